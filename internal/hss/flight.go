package hss

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// flight caches one value per key and lets concurrent callers share a single fetch, so N
// parallel reads cost one IAM request, not N.
type flight[V any] struct {
	mu    sync.Mutex
	vals  map[string]V
	group singleflight.Group
}

// do returns the cached value for key when valid accepts it (nil accepts anything), and
// otherwise fetches it once for all callers waiting on key. Errors are not cached.
func (f *flight[V]) do(ctx context.Context, key string, valid func(V) bool, fetch func(context.Context) (V, error)) (V, error) {
	if v, ok := f.cached(key, valid); ok {
		return v, nil
	}
	ch := f.group.DoChan(key, func() (any, error) {
		// A caller that queued behind a finished fetch finds its result here.
		if v, ok := f.cached(key, valid); ok {
			return v, nil
		}
		v, err := fetch(ctx)
		if err != nil {
			return v, err
		}
		f.mu.Lock()
		if f.vals == nil {
			f.vals = map[string]V{}
		}
		f.vals[key] = v
		f.mu.Unlock()
		return v, nil
	})
	select {
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			var zero V
			return zero, r.Err
		}
		v, _ := r.Val.(V)
		return v, nil
	}
}

func (f *flight[V]) cached(key string, valid func(V) bool) (V, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.vals[key]
	if ok && valid != nil && !valid(v) {
		ok = false
	}
	return v, ok
}

// forgetIf drops key's value when stale says so, so the next caller fetches afresh; a value
// another caller already replaced is kept.
func (f *flight[V]) forgetIf(key string, stale func(V) bool) {
	f.mu.Lock()
	if v, ok := f.vals[key]; ok && stale(v) {
		delete(f.vals, key)
	}
	f.mu.Unlock()
}
