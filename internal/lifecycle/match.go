package lifecycle

import (
	"fmt"
	"strings"
)

// version is what a version string, or the rest of a PRETTY_NAME, says.
type version struct {
	num  string // the first number: "22.04.3", "15", "2023.5.20240805"
	sp   string // the service pack after it: "6" of "15-SP6", "3" of "22.03 (LTS-SP3)"
	lts  bool   // "LTS" follows
	code string // a code name: "bookworm"
	pre  string // a development or rolling state: "sid", "rawhide", "edge", "beta"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseVersion reads tokens; codes are the distribution's code names, nil when it has none.
func parseVersion(toks []string, codes map[string]string) version {
	var v version
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		switch {
		case isDigit(tok[0]):
			if v.num == "" {
				v.num = tok
			}
		case tok == "sp" && v.num != "" && v.sp == "" && i+1 < len(toks) && isDigit(toks[i+1][0]):
			i++
			v.sp = strings.TrimLeft(toks[i], "0")
			if v.sp == "" {
				v.sp = "0"
			}
		case tok == "lts":
			v.lts = true
		case preRelease[tok]:
			if v.pre == "" {
				v.pre = tok
			}
		case codes[tok] != "" && v.code == "":
			v.code = tok
		}
	}
	return v
}

// candidates are the rows one input's version may mean.
type candidates struct {
	given bool   // the input gives a version at all
	rows  []*Row // the rows it fits; none when given but unknown
	note  string // why there are none
}

// candidates reads the version in toks for each of dists.
func (t *Table) candidates(dists []string, toks []string) candidates {
	var codes map[string]string
	if len(dists) == 1 {
		codes = codenames[dists[0]]
	}
	v := parseVersion(toks, codes)
	var c candidates
	switch {
	case v.pre != "":
		c.given, c.note = true, fmt.Sprintf("%q is a development or rolling state, with no end of support", v.pre)
		return c
	case v.num == "" && v.code == "":
		return c
	}
	c.given = true
	if v.code != "" {
		if r := cycle(t.index[dists[0]], v.num); r != nil && r.Release != codes[v.code] {
			c.note = fmt.Sprintf("version %s and code name %s name different releases", v.num, v.code)
			return c
		}
		if v.num == "" {
			v.num = codes[v.code]
		}
	}
	for _, d := range dists {
		c.rows = append(c.rows, t.rowsOf(d, v)...)
	}
	if len(c.rows) == 0 {
		c.note = noRow(dists[0], v.num, t.Date.Format("2006-01-02"), len(t.index[dists[0]]) > 0)
	}
	return c
}

func noRow(dist, num, date string, hasRows bool) string {
	if !hasRows {
		return fmt.Sprintf("the table has no %s releases: no dated public end of support to cite", dist)
	}
	return fmt.Sprintf("no %s release %s in the table of %s: newer than the table, or one it does not cover", dist, num, date)
}

// rowsOf are the rows of distribution dist version v may mean: one, or, for an openEuler
// version that names only its LTS line ("22.03"), every service pack of the line.
func (t *Table) rowsOf(dist string, v version) []*Row {
	rows := t.index[dist]
	one := func(r *Row) []*Row {
		if r == nil {
			return nil
		}
		return []*Row{r}
	}
	num := v.num
	switch dist {
	case "sles":
		// SUSE names service packs "15-SP6", "15 SP6"; os-release and the table, 15.6. A
		// first release without one: os-release says 15, the table 15.0.
		if !strings.Contains(num, ".") {
			sp := v.sp
			if sp == "" {
				sp = "0"
			}
			num += "." + sp
		}
	case "photon":
		// Photon's VERSION_ID is 5.0; a bare 5 means the same.
		if !strings.Contains(num, ".") {
			num += ".0"
		}
	case "openeuler":
		// openEuler's VERSION is "22.03 (LTS-SP3)", its VERSION_ID only "22.03".
		base := num
		if i := strings.IndexByte(num, '.'); i >= 0 {
			if j := strings.IndexByte(num[i+1:], '.'); j >= 0 {
				base = num[:i+1+j]
			}
		}
		switch {
		case v.sp != "":
			return one(rows[base+"-lts-sp"+v.sp])
		case v.lts:
			return one(rows[base+"-lts"])
		case rows[base] != nil:
			return one(rows[base])
		}
		return t.lines[dist][base]
	}
	return one(cycle(rows, num))
}

// cycle is the release cycle num falls in: the longest of its first three dot-separated
// prefixes that names a cycle, so that 7.9.2009 is 7, 3.18.4 is 3.18 and 22.04.3 is 22.04. No
// cycle has more than two parts, so the work is three lookups whatever num's length.
func cycle(rows map[string]*Row, num string) *Row {
	var ends [3]int
	n := 0
	for i := 0; i < len(num) && n < len(ends); i++ {
		if num[i] == '.' {
			ends[n] = i
			n++
		}
	}
	if n < len(ends) {
		ends[n] = len(num)
		n++
	}
	for k := n - 1; k >= 0; k-- {
		if r, ok := rows[num[:ends[k]]]; ok {
			return r
		}
	}
	return nil
}
