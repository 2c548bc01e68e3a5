package coalesce

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// started is a fetch that reports its context and waits to be released.
type started struct {
	ctx     chan context.Context
	release chan struct{}
	calls   int
}

func newStarted() *started {
	return &started{ctx: make(chan context.Context, 8), release: make(chan struct{})}
}

func (s *started) fetch(v string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		s.calls++
		s.ctx <- ctx
		select {
		case <-s.release:
			return v, nil
		case <-ctx.Done():
			return "", fmt.Errorf("fetch stopped: %w", context.Cause(ctx))
		}
	}
}

// The caller who started the work leaves; the work goes on for the caller still waiting.
func TestGroupLeaderLeavingDoesNotCancel(t *testing.T) {
	joined := make(chan struct{}, 1)
	c := &Group[string]{MaxWork: time.Minute, OnJoin: func() { joined <- struct{}{} }}
	s := newStarted()
	leader, cancel := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, _, err := c.Do(leader, "k", s.fetch("v"))
		leaderErr <- err
	}()
	wctx := <-s.ctx
	follower := make(chan string, 1)
	go func() {
		v, shared, err := c.Do(context.Background(), "k", s.fetch("other"))
		if err != nil || !shared {
			v = fmt.Sprintf("err %v shared %v", err, shared)
		}
		follower <- v
	}()
	<-joined
	cancel()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: %v", err)
	}
	if wctx.Err() != nil {
		t.Fatal("the shared work was cancelled with its first caller")
	}
	close(s.release)
	if v := <-follower; v != "v" {
		t.Fatalf("follower got %q", v)
	}
	if s.calls != 1 {
		t.Fatalf("%d fetches", s.calls)
	}
}

// When every caller has left, the work is cancelled with the last one's cause, and its error
// reaches that caller; a later caller starts afresh instead of joining the doomed work.
func TestGroupAbandonedWorkStops(t *testing.T) {
	c := &Group[string]{MaxWork: time.Minute}
	s := newStarted()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	errc := make(chan error, 1)
	go func() {
		_, _, err := c.Do(ctx, "k", s.fetch("v"))
		errc <- err
	}()
	wctx := <-s.ctx
	cancel()
	err := <-errc
	if err == nil || err.Error() != "fetch stopped: context canceled" {
		t.Fatalf("err %v", err)
	}
	<-wctx.Done()

	s2 := newStarted()
	close(s2.release)
	v, shared, err := c.Do(context.Background(), "k", s2.fetch("fresh"))
	if err != nil || shared || v != "fresh" {
		t.Fatalf("%q %v %v", v, shared, err)
	}
}

// The work's own bound applies, whatever its callers allow.
func TestGroupWorkIsBounded(t *testing.T) {
	c := &Group[string]{MaxWork: 20 * time.Millisecond}
	_, _, err := c.Do(context.Background(), "k", func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
}

// Kept values are served while fresh, by weight up to capacity, least recently used out
// first; errors are not kept.
func TestGroupKeeps(t *testing.T) {
	now := 0
	c := &Group[string]{MaxWork: time.Minute, Capacity: 5, Weight: func(v string) int { return len(v) }, Fresh: func(string) bool { return now < 10 }}
	fetches := 0
	get := func(key, v string) (string, bool) {
		got, shared, err := c.Do(context.Background(), key, func(context.Context) (string, error) { fetches++; return v, nil })
		if err != nil {
			t.Fatal(err)
		}
		return got, shared
	}
	if v, shared := get("a", "aa"); v != "aa" || shared {
		t.Fatal(v, shared)
	}
	if v, shared := get("a", "changed"); v != "aa" || !shared || fetches != 1 {
		t.Fatal(v, shared, fetches)
	}
	get("b", "bb") // a, b: weight 4
	get("a", "")   // touch a
	get("c", "cc") // weight 6 > 5: b, the least recently used, goes
	if _, shared := get("b", "bb"); shared {
		t.Fatal("b should have been evicted")
	}
	if _, shared := get("huge", "123456"); shared {
		t.Fatal("first fetch")
	}
	if _, shared := get("huge", "123456"); shared {
		t.Fatal("a value heavier than capacity must not be kept")
	}
	now = 10
	before := fetches
	if _, shared := get("a", "aa"); shared || fetches != before+1 {
		t.Fatal("a stale value was served")
	}
	now = 0
	failing := 0
	for range 2 {
		_, _, err := c.Do(context.Background(), "e", func(context.Context) (string, error) { failing++; return "", errors.New("no") })
		if err == nil {
			t.Fatal("no error")
		}
	}
	if failing != 2 {
		t.Fatal("an error was kept")
	}
	c.ForgetIf("a", func(v string) bool { return v == "other" })
	if _, shared := get("a", "x"); !shared {
		t.Fatal("forgetIf dropped a value it did not match")
	}
	c.ForgetIf("a", func(v string) bool { return v == "aa" })
	if _, shared := get("a", "x"); shared {
		t.Fatal("forgetIf kept a matching value")
	}
}

// Keeping one heavy value can take several evictions: the least recently used go, one after
// another, until the new value fits, and the kept weight never exceeds the capacity.
func TestGroupEvictsUntilItFits(t *testing.T) {
	c := &Group[string]{MaxWork: time.Minute, Capacity: 10, Weight: func(v string) int { return len(v) }}
	keep := func(key, v string) {
		if _, _, err := c.Do(context.Background(), key, func(context.Context) (string, error) { return v, nil }); err != nil {
			t.Fatal(err)
		}
	}
	keep("a", "aaa")
	keep("b", "bbb")
	keep("c", "ccc")
	keep("a", "") // touch a: b is now the least recently used
	keep("d", "dddddd")
	if c.used != 9 || c.kept["b"] != nil || c.kept["c"] != nil || c.kept["a"] == nil || c.kept["d"] == nil {
		t.Fatalf("used %d, kept %v", c.used, keys(c))
	}
	keep("e", "eeeeeeeeee")
	if c.used != 10 || len(c.kept) != 1 || c.kept["e"] == nil {
		t.Fatalf("used %d, kept %v", c.used, keys(c))
	}
}

func keys[V any](c *Group[V]) []string {
	var out []string
	for k := range c.kept {
		out = append(out, k)
	}
	return out
}

// Every kept value is let go exactly once, whatever lets it go: capacity, staleness, ForgetIf,
// a newer value or EvictOldest; a value too heavy to keep is never kept.
func TestGroupKeepAndEvictPair(t *testing.T) {
	stale := false
	held := map[string]int{}
	c := &Group[string]{MaxWork: time.Minute, Capacity: 6, Weight: func(v string) int { return len(v) }, Fresh: func(v string) bool { return !stale || v != "ss" },
		OnKeep: func(v string) { held[v]++ }, OnEvict: func(v string) { held[v]-- }}
	keep := func(key, v string) {
		if _, _, err := c.Do(context.Background(), key, func(context.Context) (string, error) { return v, nil }); err != nil {
			t.Fatal(err)
		}
	}
	keep("a", "aa")
	keep("b", "bb")
	keep("s", "ss")
	keep("c", "cc") // over capacity: a goes
	keep("huge", "1234567")
	stale = true
	keep("s", "s2") // the stale value goes, its replacement is kept
	c.ForgetIf("b", func(string) bool { return true })
	want := map[string]int{"aa": 0, "bb": 0, "ss": 0, "cc": 1, "s2": 1}
	if fmt.Sprint(held) != fmt.Sprint(want) {
		t.Fatalf("held %v, want %v", held, want)
	}
	for c.EvictOldest() {
	}
	if held["cc"] != 0 || held["s2"] != 0 || c.used != 0 || c.EvictOldest() {
		t.Fatalf("held %v, used %d", held, c.used)
	}
}
