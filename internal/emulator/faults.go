package emulator

import (
	"net/http"
	"strconv"
	"time"
)

// Fault makes the emulator misbehave for matching requests.
type Fault struct {
	// Kind selects the requests affected; empty means HSS requests.
	Kind Kind
	// Times is how many matching requests are affected; 0 means all of them.
	Times int

	// Latency delays the response (before any other effect).
	Latency time.Duration
	// Arrived, when set, receives a value as each affected request arrives.
	Arrived chan<- struct{}
	// Hold, when set, stalls each affected request until it is closed.
	Hold <-chan struct{}
	// Status, with Code and Message, answers with an API error; with Body, with that raw body.
	Status  int
	Code    string
	Message string
	Body    string
	// RetryAfter is sent as the Retry-After header when set.
	RetryAfter string
	// Reset drops the connection without an answer.
	Reset bool
	// Truncate, with Body, announces a longer body than it sends and hangs up.
	Truncate bool

	// Page faults answer normally but lie about the result.
	Page PageFault
}

// PageFault bends a basic-image page.
type PageFault struct {
	// InflateTotal is added to total_num.
	InflateTotal int
	// IgnoreOffset serves the first page whatever offset was asked for.
	IgnoreOffset bool
	// Endless claims a huge total_num and serves full, distinct pages at every offset.
	Endless bool
}

// AddFault installs f; faults apply in the order added.
func (e *Emulator) AddFault(f Fault) {
	if f.Kind == "" {
		f.Kind = KindHSS
	}
	e.mu.Lock()
	e.faults = append(e.faults, f)
	e.mu.Unlock()
}

// ClearFaults removes every fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	e.faults = nil
	e.mu.Unlock()
}

// injectFault applies the first fault matching kind and reports whether it answered; a page
// fault is returned for the handler to apply.
func (e *Emulator) injectFault(w *recorder, r *http.Request, kind Kind) (bool, PageFault) {
	e.mu.Lock()
	var f *Fault
	for i := range e.faults {
		if e.faults[i].Kind == kind {
			c := e.faults[i]
			f = &c
			if e.faults[i].Times > 0 {
				e.faults[i].Times--
				if e.faults[i].Times == 0 {
					e.faults = append(e.faults[:i], e.faults[i+1:]...)
				}
			}
			break
		}
	}
	e.mu.Unlock()
	if f == nil {
		return false, PageFault{}
	}
	if f.Arrived != nil {
		f.Arrived <- struct{}{}
	}
	if f.Hold != nil {
		select {
		case <-f.Hold:
		case <-r.Context().Done():
		}
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	switch {
	case f.Reset:
		if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
		w.status = 0
		return true, PageFault{}
	case f.Body != "":
		if f.Truncate {
			w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)+64))
		}
		w.WriteHeader(orDefault(f.Status, http.StatusOK))
		_, _ = w.Write([]byte(f.Body))
		return true, PageFault{}
	case f.Status != 0:
		writeError(w, f.Status, orDefault(f.Code, "APIGW.0308"), orDefault(f.Message, "The throttling threshold has been reached."))
		return true, PageFault{}
	}
	return false, f.Page
}

// page cuts one page out of entries, bent by pf.
func page(entries []BasicImage, offset, limit int, pf PageFault) (int, []BasicImage) {
	total := len(entries) + pf.InflateTotal
	switch {
	case pf.Endless:
		out := make([]BasicImage, limit)
		for i := range out {
			out[i] = ManyEntry(offset + i)
		}
		return 1_000_000_000, out
	case pf.IgnoreOffset:
		offset = 0
	}
	if offset >= len(entries) {
		return total, []BasicImage{}
	}
	return total, entries[offset:min(len(entries), offset+limit)]
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}
