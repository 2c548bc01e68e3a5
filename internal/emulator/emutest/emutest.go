// Package emutest serves the emulator to tests: one per test, on loopback, closed when the
// test ends, so the requests it counts are that test's alone.
package emutest

import (
	"net/http/httptest"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// Serve starts an emulator of the default fixture and returns it with its URL.
func Serve(t testing.TB) (*emulator.Emulator, string) {
	t.Helper()
	emu := emulator.New(nil)
	srv := httptest.NewUnstartedServer(emu)
	// The emulator counts connections, for the tests of connection reuse.
	srv.Config.ConnState = emu.ConnState
	srv.Start()
	t.Cleanup(srv.Close)
	return emu, srv.URL
}
