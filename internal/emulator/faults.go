package emulator

import (
	"net/http"
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
	// Status, with Code and Message, answers with an API error; with Body, with that raw body.
	Status  int
	Code    string
	Message string
	Body    string
	// RetryAfter is sent as the Retry-After header when set.
	RetryAfter string
	// Reset drops the connection without an answer.
	Reset bool
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

// injectFault applies the first fault matching kind and reports whether it answered.
func (e *Emulator) injectFault(w *recorder, r *http.Request, kind Kind) bool {
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
		return false
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
		return true
	case f.Body != "":
		w.WriteHeader(orDefault(f.Status, http.StatusOK))
		_, _ = w.Write([]byte(f.Body))
		return true
	case f.Status != 0:
		writeError(w, f.Status, orDefault(f.Code, "APIGW.0308"), orDefault(f.Message, "The throttling threshold has been reached."))
		return true
	}
	return false
}

func (e *Emulator) respondPage(w http.ResponseWriter, total int, page []BasicImage) {
	writeJSON(w, http.StatusOK, map[string]any{"total_num": total, "data_list": page})
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}
