// Package coalesce shares work between callers who want the same thing: one fetch per key at a
// time, detached from every caller, with successful values kept.
package coalesce

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Group runs work that callers share — a token, a project lookup, a read — once per key
// at a time. The work is detached from every caller: it runs under its own context, bounded by
// maxWork and cancelled only once every caller waiting for it has gone, so one caller's short
// timeout never fails its neighbours. Each caller stops waiting on its own context.
//
// Successful values are kept for later callers while fresh accepts them, up to capacity
// units of weight, least recently used first out. Errors are never kept.
type Group[V any] struct {
	// MaxWork bounds one piece of shared work (DefaultMaxWork when zero).
	MaxWork time.Duration
	// Capacity bounds the total weight of kept values; 0 keeps nothing.
	Capacity int
	// Weight of a kept value (1 when nil); a value heavier than capacity is not kept.
	Weight func(V) int
	// Fresh reports whether a kept value may still be served (always when nil).
	Fresh func(V) bool
	// OnJoin, for tests, runs when a caller joins work already in flight.
	OnJoin func()
	// OnKeep runs when a value is kept, OnEvict when a kept value is let go, for whatever
	// reason: what a kept value holds (memory, say) is held from one to the other. Both run
	// with the group locked and must not call back into it.
	OnKeep, OnEvict func(V)

	mu    sync.Mutex
	calls map[string]*sharedCall[V]
	kept  map[string]*list.Element
	order list.List // of *keptValue[V], most recently used first
	used  int
}

// DefaultMaxWork bounds shared work (a token, a project lookup, a read), which runs detached
// from any one caller's deadline.
const DefaultMaxWork = 30 * time.Minute

type sharedCall[V any] struct {
	done    chan struct{}
	val     V
	err     error
	waiters int
	// abandoned is set when the last waiter left; nobody may join the call after that.
	abandoned bool
	cancel    context.CancelCauseFunc
}

type keptValue[V any] struct {
	key    string
	val    V
	weight int
}

// Do returns key's value: a kept one, the result of work already in flight, or the result of
// fetch, run detached. shared is true when this caller did not start the work.
func (c *Group[V]) Do(ctx context.Context, key string, fetch func(context.Context) (V, error)) (val V, shared bool, err error) {
	c.mu.Lock()
	if v, ok := c.lookupLocked(key); ok {
		c.mu.Unlock()
		return v, true, nil
	}
	call, joined := c.calls[key]
	if joined && !call.abandoned {
		call.waiters++
		c.mu.Unlock()
		if c.OnJoin != nil {
			c.OnJoin()
		}
	} else {
		call = c.startLocked(ctx, key, fetch)
		joined = false
		c.mu.Unlock()
	}

	select {
	case <-call.done:
		return call.val, joined, call.err
	case <-ctx.Done():
		c.mu.Lock()
		call.waiters--
		last := call.waiters == 0
		if last {
			call.abandoned = true
			call.cancel(context.Cause(ctx))
		}
		c.mu.Unlock()
		if last {
			// The work stops at once, with this caller's cause, and its error says what it was
			// doing; a caller that was not last only knows it stopped waiting.
			t := time.NewTimer(abandonWait)
			defer t.Stop()
			select {
			case <-call.done:
				return call.val, joined, call.err
			case <-t.C:
			}
		}
		var zero V
		return zero, joined, context.Cause(ctx)
	}
}

// abandonWait bounds how long the last caller to leave waits for the work to say what it was
// doing; work stops on cancellation at once, so this is a safety net.
const abandonWait = 5 * time.Second

func (c *Group[V]) startLocked(ctx context.Context, key string, fetch func(context.Context) (V, error)) *sharedCall[V] {
	// The work keeps the caller's values (logging, masking) but not its deadline or cancellation.
	base, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	limit := c.MaxWork
	if limit <= 0 {
		limit = DefaultMaxWork
	}
	wctx, stop := context.WithTimeout(base, limit)
	call := &sharedCall[V]{done: make(chan struct{}), waiters: 1, cancel: cancel}
	if c.calls == nil {
		c.calls = map[string]*sharedCall[V]{}
	}
	c.calls[key] = call
	go func() {
		defer cancel(nil)
		defer stop()
		v, err := fetch(wctx)
		c.mu.Lock()
		call.val, call.err = v, err
		if c.calls[key] == call {
			delete(c.calls, key)
		}
		if err == nil {
			c.keepLocked(key, v)
		}
		c.mu.Unlock()
		close(call.done)
	}()
	return call
}

func (c *Group[V]) lookupLocked(key string) (V, bool) {
	var zero V
	el, ok := c.kept[key]
	if !ok {
		return zero, false
	}
	kv, _ := el.Value.(*keptValue[V])
	if c.Fresh != nil && !c.Fresh(kv.val) {
		c.removeLocked(el)
		return zero, false
	}
	c.order.MoveToFront(el)
	return kv.val, true
}

func (c *Group[V]) keepLocked(key string, v V) {
	w := 1
	if c.Weight != nil {
		w = max(1, c.Weight(v))
	}
	if w > c.Capacity {
		return
	}
	if el, ok := c.kept[key]; ok {
		c.removeLocked(el)
	}
	if c.kept == nil {
		c.kept = map[string]*list.Element{}
	}
	c.kept[key] = c.order.PushFront(&keptValue[V]{key: key, val: v, weight: w})
	c.used += w
	if c.OnKeep != nil {
		c.OnKeep(v)
	}
	for c.used > c.Capacity {
		c.removeLocked(c.order.Back())
	}
}

func (c *Group[V]) removeLocked(el *list.Element) {
	kv, _ := c.order.Remove(el).(*keptValue[V])
	delete(c.kept, kv.key)
	c.used -= kv.weight
	if c.OnEvict != nil {
		c.OnEvict(kv.val)
	}
}

// EvictOldest lets go of the least recently used kept value, reporting whether there was one:
// a caller short of what kept values hold frees it this way.
func (c *Group[V]) EvictOldest() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.order.Back()
	if el == nil {
		return false
	}
	c.removeLocked(el)
	return true
}

// ForgetIf drops key's kept value when stale says so, so the next caller fetches afresh; a
// value another caller already replaced is kept.
func (c *Group[V]) ForgetIf(key string, stale func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.kept[key]; ok {
		kv, _ := el.Value.(*keptValue[V])
		if stale(kv.val) {
			c.removeLocked(el)
		}
	}
}
