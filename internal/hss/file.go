package hss

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// ReadLocalFile reads a file the user named (an ID token, a CLI config file, a PEM bundle):
// only a regular file, a symbolic link to one included, of at most limit bytes, read under
// ctx. A device such as /dev/zero would be read without end, and a named pipe would block in
// open(2) until someone writes to it; both are refused at once, and the error names the file
// and the reason.
func ReadLocalFile(ctx context.Context, path string, limit int64) ([]byte, error) {
	if ctx.Err() != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, context.Cause(ctx))
	}
	f, err := openNoWait(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("cannot read %s: it is %s, not a regular file", path, fileKind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("cannot read %s: it is %d bytes, more than the %d allowed", path, st.Size(), limit)
	}
	type read struct {
		b   []byte
		err error
	}
	done := make(chan read, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(f, limit+1))
		done <- read{b, err}
	}()
	select {
	case <-ctx.Done():
		// Closing the file ends the read; the goroutine then returns.
		_ = f.Close()
		return nil, fmt.Errorf("cannot read %s: %w", path, context.Cause(ctx))
	case r := <-done:
		switch {
		case r.err != nil:
			return nil, fmt.Errorf("cannot read %s: %w", path, r.err)
		case int64(len(r.b)) > limit:
			return nil, fmt.Errorf("cannot read %s: it is more than the %d bytes allowed", path, limit)
		}
		return r.b, nil
	}
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file (" + m.Type().String() + ")"
}
