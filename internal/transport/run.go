package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
)

// Call runs op until it succeeds, fails for good, or max_retries is spent, and returns the
// decoded response, what the last Exchange said of itself, and how many requests were sent.
// Each attempt goes through the SDK again, so an AK/SK request is signed afresh with a new
// X-Sdk-Date. Of the HTTP answers only 429, 500, 502, 503 and 504 are retried, Retry-After
// honoured; of the failures without an answer, those go-retryablehttp's policy says another
// attempt can fix. Every retry but a throttled one is paid from the host's retry budget, and
// a host that refuses connections is waited for at the host gate.
func (c *Sender) Call(ctx context.Context, op Operation) (any, Exchange, int, error) {
	r := c.newRun(op)
	if f, ok := c.dns.recall(r.host, c.now()); ok {
		return nil, Exchange{}, 0, &UnresolvedHostError{Operation: op.Name, Host: termsafe.Text(r.host, 253), Origin: f.origin}
	}
	for {
		out, f, err := r.attempt(ctx)
		switch {
		case err != nil:
			return nil, r.last, r.sent, err
		case f == nil:
			r.health.budget.succeeded(r.paid)
			r.health.throttle.succeeded()
			return out, r.last, r.sent, nil
		}
		v := r.judge(ctx, f)
		if v.renew {
			again, err := r.renewCredential(ctx)
			if err != nil {
				return nil, r.last, r.sent, err
			}
			if again {
				continue
			}
			v = r.judge(ctx, f)
		}
		if v.stop != nil {
			return nil, r.last, r.sent, v.stop
		}
		if err := r.pay(ctx, f, v); err != nil {
			return nil, r.last, r.sent, err
		}
		if v.waitForHost {
			r.c.cfg.Redactor.Warn(ctx, "HSS provider waiting for a host that refuses connections", map[string]any{
				"operation": r.op.shown(), "host": r.host, "error": f.err,
			})
			continue
		}
		if err := r.backOff(ctx, f); err != nil {
			return nil, r.last, r.sent, err
		}
	}
}

// run is one Call in progress: what its attempts sent, paid and learnt.
type run struct {
	c      *Sender
	op     Operation
	host   string
	health *hostHealth
	// gated calls go through the host gate: those that may be retried.
	gated bool
	last  Exchange
	// sent counts requests, retries the back-offs taken, paid what they cost the budget.
	sent, retries, paid int
	renewed             bool
}

func (c *Sender) newRun(op Operation) *run {
	host := endpoints.HostOf(op.Endpoint)
	return &run{c: c, op: op, host: host, health: c.health(host, op.Paced), gated: !op.NoRetry && c.cfg.MaxRetries > 0}
}

// failure is one failed attempt as the retry policy sees it, so the policy is tested without
// sending anything.
type failure struct {
	// err is what the attempt failed with; an attempt's own timeout is an *AttemptTimeoutError.
	err error
	// status is the answer's HTTP status, 0 without one; retryAfter is set when the answer
	// said when to come back.
	status     int
	retryAfter bool
	reach      outcome
	// phase is where an attempt without an answer stopped: resolve, connect, TLS, response.
	phase string
	// callerDone is set when the caller's context ended.
	callerDone bool
}

// attempt sends op once, when the rate limiter and the host gate let it; it returns the answer
// or the failure, or an error when the call ends before there is a failure to judge.
func (r *run) attempt(ctx context.Context) (any, *failure, error) {
	sentAt, err := r.pace(ctx)
	if err != nil {
		return nil, nil, err
	}
	probe, err := r.enterGate(ctx)
	if err != nil {
		return nil, nil, err
	}
	limit := r.c.cfg.AttemptTimeout
	if r.op.AttemptTimeout > 0 {
		limit = r.op.AttemptTimeout
	}
	actx, cancel := context.WithTimeoutCause(ctx, limit, errAttemptTimedOut)
	cctx, stop := context.WithCancelCause(actx)
	trace := newPhaseTrace(stop)
	bt := &boundTransport{ctx: httptrace.WithClientTrace(cctx, trace.clientTrace()), next: r.c.cfg.Pool, redactor: r.c.cfg.Redactor}
	hc := r.c.sdkClient(bt, r.op.Endpoint, r.op.Cred, statusCheck{op: r.op.Name, want: r.op.Want})
	r.sent++
	began := r.c.now()
	out, err := guard(func() (any, error) { return r.op.Invoke(hc) })
	trace.done()
	timedOut := errors.Is(context.Cause(actx), errAttemptTimedOut)
	connectTimedOut := errors.Is(context.Cause(cctx), errConnectTimedOut)
	stop(nil)
	cancel()
	r.last = bt.lastExchange()
	phase := ""
	if err != nil {
		phase = trace.at(err)
	}
	if connectTimedOut && ctx.Err() == nil {
		err = &net.OpError{Op: "dial", Net: "tcp", Err: errConnectTimedOut}
	}
	reach := reachOf(err, r.last.Status != 0, ctx.Err() != nil, phase)
	if r.gated {
		r.c.gate.done(r.host, probe, reach, err, began, phase)
	}
	r.report(sentAt, err)
	if err == nil {
		return out, nil, nil
	}
	if timedOut {
		err = &AttemptTimeoutError{Request: r.op.shown(), Limit: limit}
	}
	return nil, &failure{err: err, status: r.last.Status, retryAfter: r.last.RetryAfter != "", reach: reach, phase: phase, callerDone: ctx.Err() != nil}, nil
}

// reachOf is what an attempt learnt of its host: an answer, whatever came after it, means the
// host accepted the connection; an attempt its caller gave up on learnt nothing; a TLS
// handshake that took too long is a connection that could not be made.
func reachOf(err error, answered, callerDone bool, phase string) outcome {
	switch {
	case answered:
		return connected
	case callerDone:
		return unknown
	case phase == PhaseTLS && isTimeout(err):
		return refused
	}
	return classify(err)
}

// pace waits for the rate limiter, for paced operations.
func (r *run) pace(ctx context.Context) (time.Time, error) {
	if !r.op.Paced {
		return time.Time{}, nil
	}
	sentAt, err := r.c.pace(ctx)
	if err != nil {
		return sentAt, &InterruptedError{Request: r.op.shown(), Attempts: r.sent, Waiting: WaitingRateLimit, Err: err}
	}
	return sentAt, nil
}

// enterGate waits at the host gate while the host accepts no connection. Once the budget is
// spent no retry can follow, so a request goes straight to its host.
func (r *run) enterGate(ctx context.Context) (bool, error) {
	if !r.gated || r.health.budget.left() < retryCost {
		return false, nil
	}
	probe, err := r.c.gate.enter(ctx, r.host)
	var ue *UnreachableError
	switch {
	case err == nil:
		return probe, nil
	case ctx.Err() == nil:
		if errors.As(err, &ue) && r.sent > 0 {
			// This request did try the host itself.
			ue.Outlasted = false
		}
		return false, err
	}
	return false, &InterruptedError{Request: r.op.shown(), Attempts: r.sent, Waiting: WaitingHost, Err: fmt.Errorf("%w: %w", context.Cause(ctx), err)}
}

// report tells the rate limiter what a paced attempt met: success, or throttling.
func (r *run) report(sentAt time.Time, err error) {
	if !r.op.Paced || r.c.limiter == nil {
		return
	}
	switch {
	case err == nil:
		r.c.limiter.Succeeded()
	case r.last.Status == http.StatusTooManyRequests:
		r.c.limiter.Throttled(sentAt)
	}
}

// verdict is what the policy makes of a failure.
type verdict struct {
	// stop ends the call with this error.
	stop error
	// renew asks for a new credential before anything else.
	renew bool
	retry bool
	// cost is what a retry takes from the host's budget; charged failures count against its
	// throttle: errors and timeouts, not throttling, answers that say when to come back, or
	// refused connections.
	cost    int
	charged bool
	// waitForHost: the host refused the connection; the gate waits for it, not the back-off,
	// and max_retries does not count it.
	waitForHost bool
}

// judges decide in order what a failed attempt means; the first that recognises it decides.
var judges = []func(r *run, ctx context.Context, f *failure) (verdict, bool){
	(*run).panicked, (*run).callerEnded, (*run).timedOut, (*run).redirected, (*run).answered, (*run).unanswered,
}

func (r *run) judge(ctx context.Context, f *failure) verdict {
	for _, j := range judges {
		if v, ok := j(r, ctx, f); ok {
			v.waitForHost = v.stop == nil && r.gated && f.reach == refused
			return v
		}
	}
	return verdict{}
}

// panicked: the SDK panicked on the answer, which is unreadable, not worth another attempt.
func (r *run) panicked(_ context.Context, f *failure) (verdict, bool) {
	var pe *sdkPanic
	if !errors.As(f.err, &pe) {
		return verdict{}, false
	}
	return verdict{stop: &DecodeError{Operation: r.op.Name, StatusCode: r.last.Status, RequestID: r.last.RequestID, Reason: pe.Error()}}, true
}

// callerEnded: the caller's deadline or cancellation, not the request, ended it; the error
// says how far the request had got with which host.
func (r *run) callerEnded(ctx context.Context, f *failure) (verdict, bool) {
	if !f.callerDone {
		return verdict{}, false
	}
	cause := context.Cause(ctx)
	if f.phase != "" && f.status == 0 {
		cause = &PhaseError{Host: termsafe.Text(r.host, 253), Phase: f.phase, Err: cause}
	}
	return verdict{stop: &InterruptedError{Request: r.op.shown(), Attempts: r.sent, Err: cause}}, true
}

// timedOut: the attempt's own limit passed, which holds a connection and a worker the longest.
func (r *run) timedOut(_ context.Context, f *failure) (verdict, bool) {
	var te *AttemptTimeoutError
	if !errors.As(f.err, &te) {
		return verdict{}, false
	}
	return verdict{retry: true, cost: timeoutRetryCost, charged: true}, true
}

// redirected: a status other than the operation's own below 400 is never a result, and no
// attempt makes it one.
func (r *run) redirected(_ context.Context, f *failure) (verdict, bool) {
	var se *StatusError
	return verdict{}, errors.As(f.err, &se)
}

// answered: an error answer. A refused credential the client obtained is renewed once;
// throttling and transient outages are retried, throttling free of charge.
func (r *run) answered(_ context.Context, f *failure) (verdict, bool) {
	var sre *sdkerr.ServiceResponseError
	if !errors.As(f.err, &sre) {
		return verdict{}, false
	}
	if sre.StatusCode == http.StatusUnauthorized && r.op.Renew != nil && !r.renewed {
		return verdict{renew: true}, true
	}
	v := verdict{retry: retryableStatus[sre.StatusCode], cost: retryCost}
	v.charged = v.retry && sre.StatusCode != http.StatusTooManyRequests && !f.retryAfter
	if sre.StatusCode == http.StatusTooManyRequests {
		v.cost = 0
	}
	return v, true
}

// unanswered: refused, reset, or a body that broke off. go-retryablehttp knows which of these
// another attempt cannot fix (certificates, bad URLs), and a name that does not exist will not
// exist on the next attempt either.
func (r *run) unanswered(ctx context.Context, f *failure) (verdict, bool) {
	var dnsErr *net.DNSError
	if errors.As(f.err, &dnsErr) && dnsErr.IsNotFound {
		origin := r.c.cfg.Endpoints.Origin(r.op.Endpoint)
		r.c.dns.remember(r.host, origin, r.c.now())
		return verdict{stop: &UnresolvedHostError{Operation: r.op.Name, Host: termsafe.Text(r.host, 253), Origin: origin}}, true
	}
	retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, nil, f.err)
	return verdict{retry: retry, cost: retryCost, charged: retry && f.reach != refused}, true
}

// renewCredential asks the operation for a credential in place of the refused one, once;
// again is set when there is one to send with.
func (r *run) renewCredential(ctx context.Context) (again bool, err error) {
	r.renewed = true
	cred, err := r.op.Renew(ctx, r.op.Cred)
	if err != nil {
		// Why the renewal failed says more than the refusal that asked for it.
		return false, fmt.Errorf("%s refused the credential (HTTP 401), and renewing it failed: %w", r.op.shown(), err)
	}
	if cred == nil {
		return false, nil
	}
	r.c.cfg.Redactor.Info(ctx, "HSS provider re-authenticating after the credential was refused", map[string]any{"operation": r.op.Name})
	r.op.Cred = cred
	return true, nil
}

// pay decides whether the failure is retried, and pays for the retry: max_retries, then the
// host's throttle and budget, may each refuse it.
func (r *run) pay(ctx context.Context, f *failure, v verdict) error {
	if !v.retry || r.op.NoRetry || (!v.waitForHost && r.retries >= r.c.cfg.MaxRetries) {
		err := r.describe(f)
		if r.sent == 1 {
			return err
		}
		return &RetryError{Attempts: r.sent, Err: err}
	}
	paused := ""
	switch {
	case v.charged && !r.health.throttle.failed():
		paused = "HSS provider not retrying: the host kept failing and nothing succeeded since"
	case v.cost > 0 && !r.health.budget.take(v.cost):
		paused = "HSS provider not retrying: the retry budget is spent"
	}
	if paused != "" {
		r.c.cfg.Redactor.Warn(ctx, paused, map[string]any{
			"operation": r.op.shown(), "status": r.last.Status, "request_id": r.last.RequestID, "error": f.err,
		})
		return &RetryError{Attempts: r.sent, Paused: true, Err: r.describe(f)}
	}
	r.paid += v.cost
	return nil
}

// describe is the error a failure ends the call with: one without an answer names the host
// and the phase it stopped in.
func (r *run) describe(f *failure) error {
	err := f.err
	if f.status == 0 && f.phase != "" {
		err = &PhaseError{Host: termsafe.Text(r.host, 253), Phase: f.phase, Err: err}
	}
	return describe(r.op, err, r.last, r.c.cfg.Redactor)
}

// backOff waits before the next attempt, or until the caller gives up.
func (r *run) backOff(ctx context.Context, f *failure) error {
	wait := r.c.backoff(r.retries, r.last)
	r.retries++
	r.c.cfg.Redactor.Warn(ctx, "HSS provider retrying request", map[string]any{
		"operation": r.op.shown(), "attempt": r.sent, "max_retries": r.c.cfg.MaxRetries, "status": r.last.Status,
		"request_id": r.last.RequestID, "wait_ms": wait.Milliseconds(), "error": f.err,
	})
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return &InterruptedError{Request: r.op.shown(), Attempts: r.sent, Waiting: WaitingRetry,
			Err: fmt.Errorf("%w (last failure: %w)", context.Cause(ctx), r.describe(f))}
	case <-t.C:
		return nil
	}
}
