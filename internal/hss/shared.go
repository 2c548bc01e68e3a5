package hss

import (
	"context"
	"errors"
	"sync"
)

// sharedReads lets identical queries that run at the same time (the same image referenced
// from several modules, say) share one read and its result.
type sharedReads struct {
	mu    sync.Mutex
	calls map[string]*sharedRead
	// onJoin, for tests, runs when a caller joins a read already in flight.
	onJoin func()
}

type sharedRead struct {
	done chan struct{}
	res  *Result
	err  error
}

func (s *sharedReads) do(ctx context.Context, key string, read func(context.Context) (*Result, error)) (*Result, error) {
	for {
		s.mu.Lock()
		if call, ok := s.calls[key]; ok {
			s.mu.Unlock()
			if s.onJoin != nil {
				s.onJoin()
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-call.done:
			}
			// The leader's own cancellation is no answer for a caller still running: read again.
			if call.err != nil && (errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded)) && ctx.Err() == nil {
				continue
			}
			if call.err != nil {
				return nil, call.err
			}
			r := *call.res
			r.Requests, r.Shared = 0, true
			return &r, nil
		}
		call := &sharedRead{done: make(chan struct{})}
		if s.calls == nil {
			s.calls = map[string]*sharedRead{}
		}
		s.calls[key] = call
		s.mu.Unlock()

		func() {
			defer func() {
				s.mu.Lock()
				delete(s.calls, key)
				s.mu.Unlock()
				close(call.done)
			}()
			call.res, call.err = read(ctx)
		}()
		return call.res, call.err
	}
}
