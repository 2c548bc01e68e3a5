package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault makes the emulator misbehave for matching requests.
type Fault struct {
	// Kind selects the requests affected; empty means HSS requests.
	Kind Kind
	// Times is how many matching requests are affected; 0 means all of them.
	Times int
	// Match, when set, narrows the requests affected, e.g. to pages after the first.
	Match func(*http.Request) bool
	// Every, when more than 1, affects only every Every-th matching request: a sparse error
	// rate.
	Every int

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
	// Location is sent as the Location header when set, e.g. with a 3xx Status.
	Location string
	// Headers are sent with the answer.
	Headers map[string]string
	// Echo answers Status (400 when unset) with an error_msg that quotes the request's
	// credential headers and body, as a careless proxy or gateway does.
	Echo bool
	// Reset drops the connection without an answer.
	Reset bool
	// Truncate, with Body, announces a longer body than it sends and hangs up.
	Truncate bool

	// Page faults answer normally but lie about the result.
	Page PageFault

	churned int
	matched int
}

// PageFault bends a page of an image list.
type PageFault struct {
	// InflateTotal is added to total_num.
	InflateTotal int
	// IgnoreOffset serves the first page whatever offset was asked for.
	IgnoreOffset bool
	// Endless claims a huge total_num and serves full, distinct pages at every offset.
	Endless bool
	// Insert adds entries at the front of the list and Drop removes entries from its end, as
	// if the list changed just before this request.
	Insert, Drop int
	// Churn inserts one more entry at the front for every affected request, so the list is
	// different each time it is read.
	Churn bool
}

// ChurnEntry is the i-th entry a list change inserts.
func ChurnEntry(i int) BasicImage {
	return BasicImage{OSName: "Inserted", OSVersion: strconv.Itoa(i), LayerDigest: fmt.Sprintf("sha256:%064x", 1<<40+i)}
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
func (e *Emulator) injectFault(w *recorder, r *http.Request, kind Kind, body []byte) (bool, PageFault) {
	e.mu.Lock()
	var f *Fault
	for i := range e.faults {
		if e.faults[i].Kind == kind && (e.faults[i].Match == nil || e.faults[i].Match(r)) {
			if e.faults[i].Every > 1 {
				e.faults[i].matched++
				if e.faults[i].matched%e.faults[i].Every != 0 {
					continue
				}
			}
			if e.faults[i].Page.Churn {
				e.faults[i].churned++
				e.faults[i].Page.Insert = e.faults[i].churned
			}
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
	if f.Location != "" {
		w.Header().Set("Location", f.Location)
	}
	for k, v := range f.Headers {
		w.Header().Set(k, v)
	}
	switch {
	case f.Echo:
		var quoted []string
		for _, h := range []string{"Authorization", "X-Auth-Token", "X-Security-Token"} {
			if v := r.Header.Get(h); v != "" {
				quoted = append(quoted, h+": "+v)
			}
		}
		msg := "Bad request. Received headers [" + strings.Join(quoted, "; ") + "], raw values [" + strings.Join(secretHeaders(r, w), " ") + "] and body " + string(body)
		writeError(w, orDefault(f.Status, http.StatusBadRequest), orDefault(f.Code, "APIGW.0101"), msg)
		return true, PageFault{}
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

// page cuts one page out of entries, bent by pf: many makes the entries of an endless list
// and inserted those a list change adds.
func page[T any](entries []T, offset, limit int, pf PageFault, many, inserted func(int) T) (int, []T) {
	if pf.Insert > 0 || pf.Drop > 0 {
		changed := make([]T, 0, len(entries)+pf.Insert)
		for i := pf.Insert; i > 0; i-- {
			changed = append(changed, inserted(i))
		}
		entries = append(changed, entries[:max(0, len(entries)-pf.Drop)]...)
	}
	total := len(entries) + pf.InflateTotal
	switch {
	case pf.Endless:
		out := make([]T, limit)
		for i := range out {
			out[i] = many(offset + i)
		}
		return 1_000_000_000, out
	case pf.IgnoreOffset:
		offset = 0
	}
	if offset >= len(entries) {
		return total, []T{}
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
