//go:build unix

package hss_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// An ID token "file" that is a named pipe fails the read at once, naming the file, instead of
// hanging in open(2) until the read times out.
func TestIDTokenFileIsReadSafely(t *testing.T) {
	_, url := newServer(t)
	fifo := filepath.Join(t.TempDir(), "token")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := newClient(t, url, oidc("", fifo)).ListBasicImages(context.Background(), cicd111)
	if err == nil || !strings.Contains(err.Error(), "reading the OIDC ID token: cannot read "+strconv.Quote(fifo)+": it is a named pipe, not a regular file") {
		t.Fatalf("err %v", err)
	}
}
