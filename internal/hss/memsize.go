package hss

import (
	"errors"
	"fmt"
	"math"
	"runtime/metrics"
	"sort"
	"sync"
)

// Memory is counted as the Go heap holds it, so the budget every read shares is a bound on
// real memory: an entry is its struct plus, for each string, the allocation the runtime makes
// for it, rounded up to its size class; and what entries hold is reserved from the budget
// times the collector's headroom, as the heap grows to that before it collects.

// sizeClasses are the Go runtime's small allocation sizes (runtime/sizeclasses.go).
var sizeClasses = []int{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384,
	416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096,
	4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760,
	24576, 27264, 28672, 32768}

// tinyBlock is the runtime's tiny allocator block: strings shorter than it share one, and a
// kept string keeps its whole block alive, however small the string, when the decoder's
// discarded numbers and flags fill the rest of it.
const tinyBlock = 16

// heapString is what a string of n bytes occupies on the heap, its header aside.
func heapString(s string) int {
	n := len(s)
	switch {
	case n == 0:
		return 0
	case n < tinyBlock:
		return tinyBlock
	case n > sizeClasses[len(sizeClasses)-1]:
		return (n + 8191) / 8192 * 8192
	}
	return sizeClasses[sort.SearchInts(sizeClasses, n)]
}

// heapFactor is how much heap the collector lets live bytes take before it collects them
// again: 1 + GOGC/100, 2 by default. GOGC off, or out of the range a process would use, counts
// as the default.
func heapFactor() float64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[0].Value.Uint64() > 1000 {
		return 2
	}
	return 1 + float64(s[0].Value.Uint64())/100
}

// memoryBudget is what every read of a client, and whatever the caller reserves beside them,
// may hold at once, in heap bytes.
type memoryBudget struct {
	limit int64
	// factor is heap bytes per live byte (heapFactor).
	factor float64
	// evict lets go of a result kept for later reads, reporting whether there was one.
	evict func() bool

	mu   sync.Mutex
	used int64
	// peak is the most used, for measurements.
	peak int64
}

// heap is what live bytes cost the budget.
func (b *memoryBudget) heap(live int) int64 { return int64(math.Ceil(float64(live) * b.factor)) }

// reserve takes n heap bytes, letting kept results go while that makes room. When it cannot,
// ok is false and reached is what the budget would have reached.
func (b *memoryBudget) reserve(n int64) (reached int64, ok bool) {
	for {
		b.mu.Lock()
		reached = b.used + n
		if reached <= b.limit {
			b.used = reached
			b.peak = max(b.peak, reached)
			b.mu.Unlock()
			return reached, true
		}
		b.mu.Unlock()
		if b.evict == nil || !b.evict() {
			return reached, false
		}
	}
}

// force takes n heap bytes that are held already, room or not.
func (b *memoryBudget) force(n int64) {
	b.mu.Lock()
	b.used += n
	b.peak = max(b.peak, b.used)
	b.mu.Unlock()
}

func (b *memoryBudget) free(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// ErrMemoryBudget is returned when a read or a reservation would take the memory the client's
// results hold past its budget (MaxMemoryBytes, the provider's max_memory_mb).
var ErrMemoryBudget = errors.New("the provider's memory budget is spent")

// MemoryBudgetError is a read, or a Reserve, that found no room in the memory budget.
type MemoryBudgetError struct {
	// Operation and Detail name the read and the page that found no room; empty for a Reserve.
	Operation, Detail string
	// Reached is what the budget would have reached, Budget its size, Held what the read
	// (or the reservation) holds of it, in heap bytes; Entries what the read had received.
	Reached, Budget, Held int64
	Entries               int
	RequestID             string
}

func (e *MemoryBudgetError) Error() string {
	what := "reserving memory"
	if e.Operation != "" {
		what = fmt.Sprintf("%s: %s", e.Operation, e.Detail)
	}
	msg := fmt.Sprintf("%s would bring what results hold in memory to %s, more than the provider's memory budget of %s", what, mb(e.Reached), mb(e.Budget))
	if e.Operation != "" {
		msg += fmt.Sprintf(" (this read holds %s for %d entries; request ID %s)", mb(e.Held), e.Entries, orNone(e.RequestID))
	}
	return msg + "; raise the provider's " + MaxMemoryArgument
}

func (e *MemoryBudgetError) Is(target error) bool { return target == ErrMemoryBudget }

// mb is n bytes in the unit of max_memory_mb (2^20 bytes).
func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Reservation is memory held against the client's budget until released.
type Reservation struct {
	once sync.Once
	b    *memoryBudget
	n    int64
}

// Reserve holds what the caller is about to allocate, live bytes as the heap would hold them
// after a collection (the Terraform state built from a read's entries, say), against the
// budget every read of the client shares, and counts it as the heap will hold it. An error,
// which names the setting that raises the budget, when there is no room.
func (c *Client) Reserve(live int) (*Reservation, error) {
	n := c.memory.heap(max(0, live))
	if reached, ok := c.memory.reserve(n); !ok {
		return nil, &MemoryBudgetError{Reached: reached, Budget: c.memory.limit, Held: n}
	}
	return &Reservation{b: c.memory, n: n}, nil
}

// Release returns the reservation to the budget; it is safe to call more than once.
func (r *Reservation) Release() {
	if r != nil {
		r.once.Do(func() { r.b.free(r.n) })
	}
}

// holding is what one read's entries hold of the budget, shared by every Result of that read
// and by the result cache: returned when the last of them lets go.
type holding struct {
	budget *memoryBudget
	n      int64

	mu   sync.Mutex
	refs int
}

// acquire takes a share; the first share after the last let go reserves the memory again,
// room or not, as it is held.
func (h *holding) acquire() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.refs == 0 {
		h.budget.force(h.n)
	}
	h.refs++
}

func (h *holding) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refs--
	if h.refs == 0 {
		h.budget.free(h.n)
	}
}

// releaser is one Result's share of a holding, let go once.
type releaser struct {
	once sync.Once
	h    *holding
}

func (r *releaser) release() { r.once.Do(r.h.release) }

// handoff passes the share a read holds when it ends to the caller that started it, or back
// to the budget when that caller stopped waiting first.
type handoff struct {
	mu   sync.Mutex
	h    *holding
	done bool
}

// deposit is the read's share arriving.
func (o *handoff) deposit(h *holding) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		h.release()
		return
	}
	o.h = h
}

// take is the caller's: the share deposited, if any; a share deposited later is let go.
func (o *handoff) take() *holding {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done = true
	h := o.h
	o.h = nil
	return h
}
