package lifecycle

import (
	"strings"
	"unicode/utf8"
)

// Distributions are the normalised IDs Distribution returns. Those after ubuntu are recognised
// but have no dated public lifecycle a row could cite, so every release of theirs is unknown.
var Distributions = []string{
	"almalinux", "alpine", "amazon", "centos", "centos-stream", "debian", "fedora", "openeuler", "opensuse", "oracle", "photon", "rhel",
	"rocky", "sl-micro", "sles", "ubuntu",
	"azurelinux", "chainguard", "ctyunos", "euleros", "hce", "kylin", "mariner", "opensuse-tumbleweed", "uos", "wolfi",
}

// names maps an OS name, as tokens (see tokens) joined by one space, to the distributions it
// may mean: the names HSS reports and the ID, NAME and leading words of PRETTY_NAME of
// /etc/os-release. A name that may mean two lists both; the lookup then takes the release that
// ends first.
var names = map[string][]string{
	"almalinux": {"almalinux"}, "alma": {"almalinux"}, "alma linux": {"almalinux"}, "almalinux os": {"almalinux"},
	"alpine": {"alpine"}, "alpine linux": {"alpine"}, "alpinelinux": {"alpine"},
	"amazon": {"amazon"}, "amazon linux": {"amazon"}, "amazon linux ami": {"amazon"}, "amzn": {"amazon"}, "amazonlinux": {"amazon"},
	"centos": {"centos", "centos-stream"}, "centos linux": {"centos"},
	"centos stream": {"centos-stream"},
	"debian":        {"debian"}, "debian gnu linux": {"debian"},
	"fedora": {"fedora"}, "fedora linux": {"fedora"},
	"openeuler": {"openeuler"}, "open euler": {"openeuler"},
	"opensuse": {"opensuse"}, "opensuse leap": {"opensuse"}, "opensuseleap": {"opensuse"},
	"oracle": {"oracle"}, "oracle linux": {"oracle"}, "oracle linux server": {"oracle"}, "ol": {"oracle"}, "oraclelinux": {"oracle"},
	"photon": {"photon"}, "photon os": {"photon"}, "vmware photon": {"photon"}, "vmware photon os": {"photon"}, "vmware photon os linux": {"photon"},
	"rhel": {"rhel"}, "red hat": {"rhel"}, "redhat": {"rhel"}, "red hat enterprise linux": {"rhel"}, "red hat enterprise linux server": {"rhel"},
	"redhat enterprise linux": {"rhel"},
	"rocky":                   {"rocky"}, "rocky linux": {"rocky"}, "rockylinux": {"rocky"},
	"sl micro": {"sl-micro"}, "sle micro": {"sl-micro"}, "slem": {"sl-micro"}, "slemicro": {"sl-micro"}, "suse linux micro": {"sl-micro"},
	"suse linux enterprise micro": {"sl-micro"},
	"sles":                        {"sles"}, "sle": {"sles"}, "suse": {"sles"}, "suse linux enterprise server": {"sles"}, "suse linux enterprise": {"sles"},
	"ubuntu":     {"ubuntu"},
	"azurelinux": {"azurelinux"}, "azure linux": {"azurelinux"}, "microsoft azure linux": {"azurelinux"},
	"chainguard": {"chainguard"}, "chainguard os": {"chainguard"},
	"ctyunos": {"ctyunos"},
	"euleros": {"euleros"},
	"hce":     {"hce"}, "hce os": {"hce"}, "huawei cloud euleros": {"hce"},
	"kylin": {"kylin"}, "kylin linux": {"kylin"}, "kylin linux advanced server": {"kylin"},
	"mariner": {"mariner"}, "cbl mariner": {"mariner"}, "cbl mariner linux": {"mariner"}, "common base linux mariner": {"mariner"},
	"opensuse tumbleweed": {"opensuse-tumbleweed"},
	"uos":                 {"uos"}, "uniontech os": {"uos"}, "uniontech os server": {"uos"},
	"wolfi": {"wolfi"},
}

// longestName is the most tokens a key of names has.
const longestName = 5

// codenames maps the code names Debian and Ubuntu put in VERSION, VERSION_CODENAME and
// PRETTY_NAME to their release, which must be a row of the table to be known.
var codenames = map[string]map[string]string{
	"debian": {
		"etch": "4", "lenny": "5", "squeeze": "6", "wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10",
		"bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14", "duke": "15",
	},
	"ubuntu": {
		"warty": "4.10", "hoary": "5.04", "breezy": "5.10", "dapper": "6.06", "edgy": "6.10", "feisty": "7.04", "gutsy": "7.10",
		"hardy": "8.04", "intrepid": "8.10", "jaunty": "9.04", "karmic": "9.10", "lucid": "10.04", "maverick": "10.10",
		"natty": "11.04", "oneiric": "11.10", "precise": "12.04", "quantal": "12.10", "raring": "13.04", "saucy": "13.10",
		"trusty": "14.04", "utopic": "14.10", "vivid": "15.04", "wily": "15.10", "xenial": "16.04", "yakkety": "16.10",
		"zesty": "17.04", "artful": "17.10", "bionic": "18.04", "cosmic": "18.10", "disco": "19.04", "eoan": "19.10",
		"focal": "20.04", "groovy": "20.10", "hirsute": "21.04", "impish": "21.10", "jammy": "22.04", "kinetic": "22.10",
		"lunar": "23.04", "mantic": "23.10", "noble": "24.04", "oracular": "24.10", "plucky": "25.04", "questing": "25.10",
		"resolute": "26.04",
	},
}

// preRelease are words of a version that name a development or rolling state, which has no end
// of support: Debian's sid, Fedora's rawhide, Alpine's edge, betas and release candidates.
var preRelease = map[string]bool{
	"sid": true, "unstable": true, "testing": true, "rawhide": true, "edge": true, "tumbleweed": true,
	"alpha": true, "beta": true, "rc": true, "devel": true, "nightly": true, "preview": true,
}

// Distribution is the normalised ID of the OS osName names, "" when it is none the table knows.
// A name that may mean two distributions ("centos") gives the first.
func Distribution(osName string) string {
	if len(osName) > MaxInputBytes {
		return ""
	}
	d, _ := parseName(tokens(osName))
	if len(d) == 0 {
		return ""
	}
	return d[0]
}

// parseName finds the longest run of leading tokens that names a distribution, and returns its
// distributions and the tokens after it (the rest of a PRETTY_NAME: version, code name, …).
func parseName(toks []string) ([]string, []string) {
	for n := min(len(toks), longestName); n >= 1; n-- {
		if d, ok := names[strings.Join(toks[:n], " ")]; ok {
			return d, toks[n:]
		}
	}
	return nil, nil
}

// tokens splits s into lower-case words of ASCII letters and version numbers, in one pass:
// anything else separates, and so does a change between letters and digits, so that "15-SP6",
// "15 SP6" and "15sp6" give the same tokens, "v3.19" gives "v" and "3.19", and "amzn2" gives
// "amzn" and "2". A dot joins digits only. Only ASCII letters are lowered and kept: a byte
// outside ASCII separates, so a look-alike from another script (Cyrillic е, the Kelvin sign that
// Unicode lowers to k) never matches.
func tokens(s string) []string {
	var out []string
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	lower := string(b) // one copy; the tokens are slices of it
	start := -1
	kind := 0 // of the token under way: 1 letters, 2 digits
	flush := func(i int) {
		if start >= 0 {
			out = append(out, lower[start:i])
		}
		start, kind = -1, 0
	}
	for i, c := range b {
		k := 0
		switch {
		case c >= 'a' && c <= 'z':
			k = 1
		case c >= '0' && c <= '9':
			k = 2
		case c == '.' && kind == 2 && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9':
			continue
		}
		if k != kind {
			flush(i)
		}
		if k != 0 && start < 0 {
			start, kind = i, k
		}
	}
	flush(len(b))
	return out
}

// malformed says whether s holds a control character other than white space, or is not UTF-8:
// no os-release value is, so such a value is unknown rather than guessed at.
func malformed(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			return true
		}
	}
	return !utf8.ValidString(s)
}
