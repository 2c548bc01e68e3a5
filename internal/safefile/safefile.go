// Package safefile reads files the user names without hanging on a pipe, reading a device
// without end, or quoting a secret written where a file name belongs.
package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
)

// Read reads a file the user named (an ID token, a CLI config file, a PEM bundle):
// only a regular file, a symbolic link to one included, of at most limit bytes, read under
// ctx. A device such as /dev/zero would be read without end, and a named pipe would block in
// open(2) until someone writes to it; both are refused at once, and the error names the file
// (see ShownPath) and the reason.
func Read(ctx context.Context, path string, limit int64) ([]byte, error) {
	b, err := readBounded(ctx, path, limit)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", ShownPath(path), err)
	}
	return b, nil
}

func readBounded(ctx context.Context, path string, limit int64) ([]byte, error) {
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	f, err := openNoWait(path)
	if err != nil {
		return nil, pathErrorCause(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, pathErrorCause(err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("it is %s, not a regular file", fileKind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("it is %d bytes, more than the %d allowed", st.Size(), limit)
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
		return nil, context.Cause(ctx)
	case r := <-done:
		switch {
		case r.err != nil:
			return nil, pathErrorCause(r.err)
		case int64(len(r.b)) > limit:
			return nil, fmt.Errorf("it is more than the %d bytes allowed", limit)
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

// pathErrorCause is what went wrong with a file, without the path an *fs.PathError quotes.
func pathErrorCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Bounds of a value that may be shown as a file name: what Linux allows for a path and for
// one of its components, and the longest run that reads as a name rather than a key.
const (
	maxShownPath      = 1024
	maxPathComponent  = 255
	maxOpaqueNameRun  = 64
	notShownPathValue = "the file its value names (the value is not shown: it does not look like a file name, and may be a secret)"
)

var (
	jwtShape    = regexp.MustCompile(`^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$`)
	opaqueRun   = regexp.MustCompile(`[A-Za-z0-9+=_-]{` + strconv.Itoa(maxOpaqueNameRun+1) + `,}`)
	pathControl = regexp.MustCompile(`[\x00-\x1f\x7f]`)
)

// ShownPath is how a message names a file the user gave by a value that should have been a
// path: the path, quoted, when it plausibly is one; otherwise a phrase that quotes nothing. A
// secret written where a file name belongs (a PEM key, a JWT, a long base64 run) then never
// reaches a diagnostic or a log: it spans lines, is longer than a path can be, has a component
// longer than a file name can be, has the shape of a JWT, or holds a run of key-like characters
// longer than file names have.
func ShownPath(path string) string {
	if PlausiblePath(path) {
		return strconv.Quote(path)
	}
	return notShownPathValue
}

// PlausiblePath reports whether s can be shown as a file name (see ShownPath).
func PlausiblePath(s string) bool {
	if s == "" || len(s) > maxShownPath || pathControl.MatchString(s) || strings.Contains(s, "-----") ||
		jwtShape.MatchString(s) || opaqueRun.MatchString(s) {
		return false
	}
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '\\' }) {
		if len(c) > maxPathComponent {
			return false
		}
	}
	return true
}
