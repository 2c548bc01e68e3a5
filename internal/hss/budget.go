package hss

import (
	"sync"
)

// retryBudget is one client's allowance of retries, shared by every HSS and IAM request, so
// that a failing service sees at most a bounded number of extra requests from this provider
// however many reads are running, instead of max_retries more for each. It is the retry quota
// of AWS SDK for Go v2's standard retryer (a bucket of 500 tokens; a retry costs 5, a retry
// after a timeout 10; a request that succeeds pays back what its retries cost, or 1 token
// when it needed none) rather than gRPC's retry throttling, which stops all retries after a
// handful of failures and so fails a plan on a burst of a few dozen errors that the service
// recovers from within seconds.
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
