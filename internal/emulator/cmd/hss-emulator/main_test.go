package main

import (
	"net"
	"strings"
	"testing"
)

// A port that is taken says what to do, not only what the system said.
func TestListenErrorOfAPortInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	_, err = net.Listen("tcp", addr)
	if err == nil {
		t.Fatal("the port was not taken")
	}
	msg := listenError(addr, err)
	for _, want := range []string{addr + " is already in use", "-listen 127.0.0.1:0", "prints the address it got"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("want %q in %q", want, msg)
		}
	}
}
