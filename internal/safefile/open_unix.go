//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openNoWait opens path for reading without blocking on a named pipe that has no writer.
func openNoWait(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0) //nolint:gosec // the user names the file to read
}
