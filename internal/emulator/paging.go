package emulator

// page cuts one page out of entries, bent by pf: the one paging helper of every list route.
// many makes the entries of an endless list and inserted those a list change adds; a route
// without them serves neither fault.
func page[T any](entries []T, offset, limit int, pf PageFault, many, inserted func(int) T) (int, []T) {
	if (pf.Insert > 0 || pf.Drop > 0) && inserted != nil {
		changed := make([]T, 0, len(entries)+pf.Insert)
		for i := pf.Insert; i > 0; i-- {
			changed = append(changed, inserted(i))
		}
		entries = append(changed, entries[:max(0, len(entries)-pf.Drop)]...)
	}
	total := len(entries) + pf.InflateTotal
	if pf.PageCap > 0 {
		limit = min(limit, pf.PageCap)
	}
	switch {
	case pf.Endless && many != nil:
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
