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

	// PageCap serves at most PageCap entries a page whatever limit asks, as a service that
	// caps its pages does; total_num still counts them all.
	PageCap int
	// OmitDataList leaves data_list out of the answer; NullDataList sends it as null.
	OmitDataList, NullDataList bool
	// Matching compares the name filters of every route (namespace, image_name,
	// image_version, and the other filters routes compare exactly) as a fuzzy service might.
	Matching Matching
	// Rewrite sets these fields of every entry answered, on every route: a value outside the
	// SDK's documented set (repair_necessity "Critical" or "", scan_status "paused",
	// severity_level "Extreme"), or any other.
	Rewrite map[string]any
}

// Matching is how a route compares a filter with an entry's value.
type Matching string

// Ways a route may compare; the real service documents exact matches for names.
const (
	MatchExact Matching = ""
	// MatchPrefix matches entries whose value starts with the filter.
	MatchPrefix Matching = "prefix"
	// MatchSubstring matches entries whose value holds the filter, in any case.
	MatchSubstring Matching = "substring"
	// MatchFold matches entries whose value equals the filter in another case.
	MatchFold Matching = "fold"
)

func (m Matching) match(filter, value string) bool {
	switch m {
	case MatchPrefix:
		return strings.HasPrefix(value, filter)
	case MatchSubstring:
		return strings.Contains(strings.ToLower(value), strings.ToLower(filter))
	case MatchFold:
		return strings.EqualFold(value, filter)
	}
	return value == filter
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
	f := e.takeFault(r, kind)
	if f == nil {
		return false, PageFault{}
	}
	f.wait(r)
	if f.answer(w, r, body) {
		return true, PageFault{}
	}
	return false, f.Page
}

// takeFault is a copy of the first fault that applies to r, counting it against its Times.
func (e *Emulator) takeFault(r *http.Request, kind Kind) *Fault {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.faults {
		f := &e.faults[i]
		if f.Kind != kind || (f.Match != nil && !f.Match(r)) {
			continue
		}
		if f.Every > 1 {
			f.matched++
			if f.matched%f.Every != 0 {
				continue
			}
		}
		if f.Page.Churn {
			f.churned++
			f.Page.Insert = f.churned
		}
		c := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				e.faults = append(e.faults[:i], e.faults[i+1:]...)
			}
		}
		return &c
	}
	return nil
}

// wait announces the request, then holds it and delays it as f says, or until the client
// goes away.
func (f *Fault) wait(r *http.Request) {
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
}

// answer sets f's headers and answers in f's stead, if f answers; a page fault answers
// nothing itself.
func (f *Fault) answer(w *recorder, r *http.Request, body []byte) bool {
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
	case f.Reset:
		if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
		w.status = 0
	case f.Body != "":
		if f.Truncate {
			w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)+64))
		}
		w.WriteHeader(orDefault(f.Status, http.StatusOK))
		_, _ = w.Write([]byte(f.Body))
	case f.Status != 0:
		writeError(w, f.Status, orDefault(f.Code, "APIGW.0308"), orDefault(f.Message, "The throttling threshold has been reached."))
	default:
		return false
	}
	return true
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}
