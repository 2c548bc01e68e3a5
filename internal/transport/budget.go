package transport

import (
	"sync"
)

// retryBudget is one host's allowance of retries, shared by every request to it, so
// that a failing service sees at most a bounded number of extra requests from this provider
// however many reads are running, instead of max_retries more for each. It is the retry quota
// of AWS SDK for Go v2's standard retryer (a bucket of 500 tokens; a retry costs 5, a retry
// after a timeout 10; a request that succeeds pays back what its retries cost, or 1 token
// when it needed none). It bounds the retries of a long outage; retryThrottle, beside it,
// stops them within a few dozen failures while nothing succeeds.
//
// Throttling (429) is not charged: the rate limiter answers it by pacing, and a busy
// account's gateway limit is not an outage.
type retryBudget struct {
	mu     sync.Mutex
	tokens int
	// capacity bounds tokens; a retry is refused when its cost is more than what is left.
	capacity int
}

// Costs of the retry budget, as in AWS SDK for Go v2; its capacity is DefaultRetryBudget.
const (
	// retryCost is what a retry after an error answer or a refused connection costs, and
	// timeoutRetryCost one after an attempt that got no answer in time, which holds a
	// connection and a server's worker the longest.
	retryCost        = 5
	timeoutRetryCost = 10
	// successRefund is paid back by a request that succeeded without a retry.
	successRefund = 1
)

func newRetryBudget(capacity int) *retryBudget {
	if capacity <= 0 {
		capacity = DefaultRetryBudget
	}
	return &retryBudget{tokens: capacity, capacity: capacity}
}

// take withdraws cost for one retry, reporting whether it may go.
func (b *retryBudget) take(cost int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < cost {
		return false
	}
	b.tokens -= cost
	return true
}

// succeeded pays back what a successful request's retries cost, or successRefund.
func (b *retryBudget) succeeded(paid int) {
	if paid == 0 {
		paid = successRefund
	}
	b.mu.Lock()
	b.tokens = min(b.capacity, b.tokens+paid)
	b.mu.Unlock()
}

// left is what remains, for messages and tests.
func (b *retryBudget) left() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens
}

// retryThrottle is gRPC's retry throttling, kept per host beside the retry budget: every
// failure worth a retry takes a token, every success gives back a tenth of one, and retries go
// only while more than half the tokens are left. While everything fails and nothing succeeds,
// retrying stops after throttleMaxTokens/2 failures, so an outage costs the service about one
// request per read; sparse errors (one in ten) never bring it down to half. Answers that say when to come
// back (Retry-After) and throttling (429) are not charged: the service is up and pacing us, and
// a refused connection is the host gate's business.
type retryThrottle struct {
	mu     sync.Mutex
	tokens float64
}

func newRetryThrottle() *retryThrottle { return &retryThrottle{tokens: throttleMaxTokens} }

// failed charges a failure and reports whether a retry may follow it.
func (t *retryThrottle) failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tokens = max(0, t.tokens-1)
	return t.tokens > throttleMaxTokens/2
}

func (t *retryThrottle) succeeded() {
	t.mu.Lock()
	t.tokens = min(throttleMaxTokens, t.tokens+throttleTokenRatio)
	t.mu.Unlock()
}

// hostHealth is what one host's requests share: the retry budget and the retry throttle.
type hostHealth struct {
	budget   *retryBudget
	throttle *retryThrottle
}

// health is the budget and throttle of host, for HSS requests or for the credential services
// (IAM, STS, metadata), which are kept apart even where they share a host: one region's, or
// one service's, outage must not take another's retries.
func (c *Sender) health(host string, hssRequest bool) *hostHealth {
	key := "auth " + host
	if hssRequest {
		key = "hss " + host
	}
	c.healthMu.Lock()
	defer c.healthMu.Unlock()
	h, ok := c.hosts[key]
	if !ok {
		h = &hostHealth{budget: newRetryBudget(c.cfg.RetryBudget), throttle: newRetryThrottle()}
		c.hosts[key] = h
	}
	return h
}
