package hss

// SetJoinHook runs f whenever a read joins an identical read already in flight.
func SetJoinHook(c *Client, f func()) { c.reads.OnJoin = f }

// MemoryInUse is what the client's memory budget holds now, and the most it held, in heap bytes.
func MemoryInUse(c *Client) (now, peak int64) {
	c.memory.mu.Lock()
	defer c.memory.mu.Unlock()
	return c.memory.used, c.memory.peak
}

// HeapFactor is what the budget counts for a live byte.
func HeapFactor(c *Client) float64 { return c.memory.factor }
