//go:build unix

package hss_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// Only regular files, symbolic links to them included, are read, up to the cap: a device is
// not read without end and a named pipe does not block the read.
func TestReadLocalFile(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "token")
	if err := os.WriteFile(regular, []byte(strings.Repeat("x", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{regular, link} {
		if b, err := hss.ReadLocalFile(context.Background(), ok, 100); err != nil || len(b) != 100 {
			t.Errorf("%s: %d bytes, %v", ok, len(b), err)
		}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	type fileCase struct {
		path  string
		limit int64
		ctx   context.Context
		want  string
	}
	cases := map[string]fileCase{
		"over the cap": {regular, 99, context.Background(), "it is 100 bytes, more than the 99 allowed"},
		"directory":    {dir, 100, context.Background(), "it is a directory, not a regular file"},
		"named pipe":   {fifo, 100, context.Background(), "it is a named pipe, not a regular file"},
		"device":       {"/dev/zero", 1 << 20, context.Background(), "it is a character device, not a regular file"},
		"missing":      {filepath.Join(dir, "none"), 100, context.Background(), "no such file or directory"},
		"cancelled":    {regular, 100, cancelled, "context canceled"},
	}
	// A file may hold more than its size said when it was opened: /proc files report 0.
	if _, err := os.Stat("/proc/self/status"); err == nil {
		cases["larger than its size"] = fileCase{"/proc/self/status", 100, context.Background(), "it is more than the 100 bytes allowed"}
	}
	for name, c := range cases {
		b, err := hss.ReadLocalFile(c.ctx, c.path, c.limit)
		if err == nil || !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) || b != nil {
			t.Errorf("%s: %d bytes, err %v", name, len(b), err)
		}
	}
}

// An ID token "file" that is a named pipe fails the read at once, naming the file, instead of
// hanging in open(2) until the read times out.
func TestIDTokenFileIsReadSafely(t *testing.T) {
	_, url := newServer(t)
	fifo := filepath.Join(t.TempDir(), "token")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := newClient(t, url, oidc("", fifo)).ListBasicImages(context.Background(), cicd111)
	if err == nil || !strings.Contains(err.Error(), "reading the OIDC ID token: cannot read "+fifo+": it is a named pipe, not a regular file") {
		t.Fatalf("err %v", err)
	}
}
