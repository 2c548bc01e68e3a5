package hss

// SetJoinHook runs f whenever a read joins an identical read already in flight.
func SetJoinHook(c *Client, f func()) { c.reads.onJoin = f }

// SetTokenJoinHook runs f whenever a caller joins a token fetch already in flight.
func SetTokenJoinHook(c *Client, f func()) { c.tokens.onJoin = f }
