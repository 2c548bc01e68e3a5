package hss

// SetJoinHook runs f whenever a read joins an identical read already in flight.
func SetJoinHook(c *Client, f func()) { c.reads.OnJoin = f }
