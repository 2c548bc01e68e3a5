package lifecycle

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// The forms scanners and HSS report a base image's OS in: the ID, NAME or PRETTY_NAME of
// /etc/os-release as the name; VERSION_ID, VERSION, a code name or nothing as the version.
// want is the row ("debian 12") or "" for unknown; dist is the distribution recognised.
var forms = []struct {
	name, version string
	want, dist    string
	ambiguous     bool
}{
	// Debian.
	{"Debian", "9", "debian 9", "debian", false},
	{"debian", "12", "debian 12", "debian", false},
	{"Debian GNU/Linux", "12 (bookworm)", "debian 12", "debian", false},
	{"Debian GNU/Linux 12 (bookworm)", "", "debian 12", "debian", false},
	{"debian", "bookworm", "debian 12", "debian", false},
	{"Debian GNU/Linux 11 (bullseye)", "11.9", "debian 11", "debian", false},
	{"Debian GNU/Linux", "13 (trixie)", "debian 13", "debian", false},
	{"DEBIAN", "12.5", "debian 12", "debian", false},
	{"debian", "trixie", "debian 13", "debian", false},
	{"Debian 9", "9", "debian 9", "debian", false},
	{"Debian GNU/Linux trixie/sid", "", "", "debian", false},
	{"debian", "12 (bullseye)", "", "debian", false},
	{"Debian 12", "11", "", "debian", false},
	{"debian", "forky", "", "debian", false},
	{"Debian", "", "", "debian", false},
	{"debian", "99", "", "debian", false},
	// Ubuntu.
	{"ubuntu", "22.04", "ubuntu 22.04", "ubuntu", false},
	{"Ubuntu", "22.04.4 LTS (Jammy Jellyfish)", "ubuntu 22.04", "ubuntu", false},
	{"Ubuntu 24.04.1 LTS", "", "ubuntu 24.04", "ubuntu", false},
	{"ubuntu", "jammy", "ubuntu 22.04", "ubuntu", false},
	{"ubuntu", "noble", "ubuntu 24.04", "ubuntu", false},
	{"Ubuntu", "25.10 (Questing Quokka)", "ubuntu 25.10", "ubuntu", false},
	{"Ubuntu", "20.04.6 LTS (Focal Fossa)", "ubuntu 20.04", "ubuntu", false},
	{"ubuntu", "26.10", "", "ubuntu", false},
	{"ubuntu", "22.4", "", "ubuntu", false},
	{"Ubuntu", "22.04 (Noble Numbat)", "", "ubuntu", false},
	// Alpine.
	{"alpine", "3.19.1", "alpine 3.19", "alpine", false},
	{"Alpine Linux v3.20", "", "alpine 3.20", "alpine", false},
	{"Alpine Linux", "3.21.0", "alpine 3.21", "alpine", false},
	{"alpine", "3.2.3", "alpine 3.2", "alpine", false},
	{"alpine", "3.25.0", "", "alpine", false},
	{"Alpine Linux edge", "", "", "alpine", false},
	{"alpine", "3.22.0_alpha20250108", "", "alpine", false},
	// Red Hat Enterprise Linux.
	{"rhel", "9.4", "rhel 9", "rhel", false},
	{"Red Hat Enterprise Linux", "8.10 (Ootpa)", "rhel 8", "rhel", false},
	{"Red Hat Enterprise Linux 9.4 (Plow)", "", "rhel 9", "rhel", false},
	{"Red Hat Enterprise Linux Server", "7.9 (Maipo)", "rhel 7", "rhel", false},
	// Amazon Linux.
	{"amzn", "2023", "amazon 2023", "amazon", false},
	{"Amazon Linux", "2023.5.20240805", "amazon 2023", "amazon", false},
	{"Amazon Linux 2", "", "amazon 2", "amazon", false},
	{"Amazon Linux AMI", "2018.03", "amazon 2018.03", "amazon", false},
	{"amzn", "2", "amazon 2", "amazon", false},
	// Oracle Linux.
	{"ol", "8.9", "oracle 8", "oracle", false},
	{"Oracle Linux Server", "9.4", "oracle 9", "oracle", false},
	{"Oracle Linux Server 10.0", "", "oracle 10", "oracle", false},
	// SUSE Linux Enterprise Server.
	{"sles", "15.6", "sles 15.6", "sles", false},
	{"SLES", "15-SP6", "sles 15.6", "sles", false},
	{"SUSE Linux Enterprise Server 15 SP5", "", "sles 15.5", "sles", false},
	{"sles", "15", "sles 15.0", "sles", false},
	{"SUSE Linux Enterprise Server", "12-SP5", "sles 12.5", "sles", false},
	{"sles", "15sp07", "sles 15.7", "sles", false},
	// Rocky Linux and AlmaLinux.
	{"rocky", "9.3", "rocky 9", "rocky", false},
	{"Rocky Linux 8.9 (Green Obsidian)", "", "rocky 8", "rocky", false},
	{"almalinux", "9.4", "almalinux 9", "almalinux", false},
	{"alma", "9.4", "almalinux 9", "almalinux", false},
	{"AlmaLinux", "9.4 (Seafoam Ocelot)", "almalinux 9", "almalinux", false},
	// openSUSE.
	{"opensuse-leap", "15.5", "opensuse 15.5", "opensuse", false},
	{"opensuse.leap", "15.5", "opensuse 15.5", "opensuse", false},
	{"openSUSE Leap 15.6", "", "opensuse 15.6", "opensuse", false},
	{"openSUSE Leap", "15", "", "opensuse", false},
	{"opensuse-tumbleweed", "20241201", "", "opensuse-tumbleweed", false},
	// CentOS: the ID "centos" is CentOS Linux's and CentOS Stream's.
	{"centos", "7", "centos 7", "centos", false},
	{"CentOS Linux", "7.9.2009", "centos 7", "centos", false},
	{"CentOS Linux 7 (Core)", "", "centos 7", "centos", false},
	{"centos", "8", "centos 8", "centos", true},
	{"centos", "9", "centos-stream 9", "centos-stream", false},
	{"centos", "10", "centos-stream 10", "centos-stream", false},
	{"CentOS Stream 9", "", "centos-stream 9", "centos-stream", false},
	{"CentOS Stream", "8", "centos-stream 8", "centos-stream", false},
	{"CentOS Linux", "9", "", "centos", false},
	{"centos", "99", "", "centos", false},
	// Fedora.
	{"fedora", "40", "fedora 40", "fedora", false},
	{"Fedora Linux 41 (Container Image)", "", "fedora 41", "fedora", false},
	{"fedora", "rawhide", "", "fedora", false},
	// VMware Photon OS.
	{"photon", "5.0", "photon 5.0", "photon", false},
	{"VMware Photon OS", "4.0", "photon 4.0", "photon", false},
	{"VMware Photon OS/Linux", "5.0", "photon 5.0", "photon", false},
	{"photon", "5", "photon 5.0", "photon", false},
	// SUSE Linux Micro, formerly SLE Micro.
	{"slem", "5.5", "sl-micro 5.5", "sl-micro", false},
	{"sl-micro", "6.0", "sl-micro 6.0", "sl-micro", false},
	{"SUSE Linux Micro 6.1", "", "sl-micro 6.1", "sl-micro", false},
	{"sle-micro", "5.4", "sl-micro 5.4", "sl-micro", false},
	{"SUSE Linux Enterprise Micro", "5.5", "sl-micro 5.5", "sl-micro", false},
	// openEuler: VERSION names the service pack, VERSION_ID only the LTS line.
	{"openEuler", "22.03 (LTS-SP3)", "openeuler 22.03-lts-sp3", "openeuler", false},
	{"openEuler", "22.03-LTS-SP4", "openeuler 22.03-lts-sp4", "openeuler", false},
	{"openEuler 24.03 (LTS-SP1)", "", "openeuler 24.03-lts-sp1", "openeuler", false},
	{"openEuler", "24.03 (LTS)", "openeuler 24.03-lts", "openeuler", false},
	{"openEuler", "22.03 LTS SP4", "openeuler 22.03-lts-sp4", "openeuler", false},
	{"openEuler", "24.03-LTS-SP3", "openeuler 24.03-lts-sp3", "openeuler", false},
	{"openEuler 22.03 (LTS-SP3)", "22.03", "openeuler 22.03-lts-sp3", "openeuler", false},
	{"openEuler", "20.03 (LTS-SP4)", "openeuler 20.03-lts-sp4", "openeuler", false},
	{"openeuler", "24.09", "openeuler 24.09", "openeuler", false},
	{"openeuler", "22.03", "openeuler 22.03-lts", "openeuler", true},
	{"openeuler", "24.03", "openeuler 24.03-lts-sp2", "openeuler", true},
	{"openEuler", "22.03 (LTS-SP9)", "", "openeuler", false},
	{"openEuler 24.03 (LTS-SP1)", "22.03", "", "openeuler", false},
	// Recognised, with no dated public lifecycle: unknown.
	{"hce", "2.0", "", "hce", false},
	{"Huawei Cloud EulerOS 2.0 (x86_64)", "", "", "hce", false},
	{"euleros", "2.0SP10", "", "euleros", false},
	{"azurelinux", "3.0", "", "azurelinux", false},
	{"mariner", "2.0", "", "mariner", false},
	{"CBL-Mariner/Linux", "2.0", "", "mariner", false},
	{"wolfi", "20230201", "", "wolfi", false},
	{"chainguard", "20230214", "", "chainguard", false},
	{"Kylin Linux Advanced Server", "V10 (Lance)", "", "kylin", false},
	{"UnionTech OS Server 20", "20", "", "uos", false},
	// Not a distribution the table knows.
	{"Windows Server", "2019", "", "", false},
	{"", "9", "", "", false},
	{"Deb", "9", "", "", false},
	{"Debianish", "12", "", "", false},
	{"GNU/Linux Debian", "12", "", "", false},
}

func TestForms(t *testing.T) {
	if len(forms) < 60 {
		t.Fatalf("%d forms", len(forms))
	}
	tb := table(t)
	at := day("2026-12-02T10:00:00Z")
	for _, c := range forms {
		a, err := tb.Query(c.name, c.version, at)
		got := ""
		if a.Known {
			got = a.Distribution + " " + a.Release
		}
		if err != nil || got != c.want || a.Distribution != c.dist || a.Ambiguous != c.ambiguous {
			t.Errorf("%q %q: %q (%s), ambiguous %v, %v; want %q (%s), ambiguous %v", c.name, c.version, got, a.Distribution, a.Ambiguous, err, c.want, c.dist, c.ambiguous)
			continue
		}
		// An answer that is not plain says why; a plain one says nothing.
		if (a.Note != "") != (!a.Known || a.Ambiguous) {
			t.Errorf("%q %q: note %q", c.name, c.version, a.Note)
		}
		if (a.SupportNote == "") != (c.dist == "") || strings.Contains(a.SupportNote, "\n") {
			t.Errorf("%q %q: support note %q", c.name, c.version, a.SupportNote)
		}
		if !a.Known && (a.Supported || a.ExtendedSupported || a.EndOfLife || a.HasDaysLeft || a.HasExtendedDaysLeft || a.NoAnnouncedEnd || a.Release != "" || a.Source != "") {
			t.Errorf("%q %q: unknown, yet %+v", c.name, c.version, a)
		}
	}
}

// The answer for an ambiguous name or version is the release whose support ends first, and
// the note names every release it could be.
func TestAmbiguousTakesTheEarliestEnd(t *testing.T) {
	tb := table(t)
	a := tb.Lookup("centos", "8", day("2022-06-01T00:00:00Z"))
	if !a.Ambiguous || a.Distribution != "centos" || a.Supported || !a.EndOfLife ||
		a.Note != "the name and version fit centos 8 (eol 2021-12-31), centos-stream 8 (eol 2024-05-31); the answer is for centos 8, whose standard support ends first" {
		t.Fatalf("%+v", a)
	}
	a = tb.Lookup("openEuler", "24.03", day("2026-01-01T00:00:00Z"))
	for _, sp := range []string{"24.03-lts ", "24.03-lts-sp1 ", "24.03-lts-sp2 ", "24.03-lts-sp3 ", "24.03-lts-sp4 "} {
		if !strings.Contains(a.Note, "openeuler "+sp) {
			t.Errorf("note %q does not name %s", a.Note, sp)
		}
	}
	if a.Release != "24.03-lts-sp2" || a.EOL.Format("2006-01-02") != "2026-03-31" {
		t.Errorf("%+v", a)
	}
}

// Every code name maps to a release of the right form, and to its row when the table has one.
func TestCodenames(t *testing.T) {
	tb := table(t)
	for dist, codes := range codenames {
		for code, release := range codes {
			if !releasePattern.MatchString(release) {
				t.Errorf("%s %s: %q", dist, code, release)
			}
			a := tb.Lookup(dist, code, tb.Date)
			if r := tb.index[dist][release]; (r != nil) != a.Known || (a.Known && a.Release != release) {
				t.Errorf("%s %s: %+v", dist, code, a)
			}
		}
	}
}

// Every name maps to distributions the table may hold, every distribution has a name and a
// note, and every name is already in the form tokens gives.
func TestNames(t *testing.T) {
	has := map[string]bool{}
	for name, ds := range names {
		if strings.Join(tokens(name), " ") != name || len(tokens(name)) > longestName {
			t.Errorf("%q is not in token form, or longer than %d tokens", name, longestName)
		}
		if Distribution(name) != ds[0] {
			t.Errorf("%q is not its own key", name)
		}
		for _, d := range ds {
			has[d] = true
			found := false
			for _, x := range Distributions {
				found = found || x == d
			}
			if !found {
				t.Errorf("%q maps to %q, which is not a distribution", name, d)
			}
		}
	}
	for _, d := range Distributions {
		if !has[d] || Distribution(d) != d {
			t.Errorf("no name for %s", d)
		}
		if s := supports[d]; s.Name == "" {
			t.Errorf("no note for %s", d)
		}
	}
	if len(supports) != len(Distributions) {
		t.Errorf("%d notes for %d distributions", len(supports), len(Distributions))
	}
}

func TestTokens(t *testing.T) {
	for in, want := range map[string]string{
		"Debian GNU/Linux 12 (bookworm)": "debian gnu linux 12 bookworm",
		"15-SP6":                         "15 sp 6",
		"15sp6":                          "15 sp 6",
		"v3.19.1":                        "v 3.19.1",
		"amzn2":                          "amzn 2",
		"opensuse.leap":                  "opensuse leap",
		"22.03 (LTS-SP3)":                "22.03 lts sp 3",
		"2.0 (x86_64)":                   "2.0 x 86 64",
		"1..2.":                          "1 2",
		".5":                             "5",
		"  \tDEBIAN \r\n":                "debian",
		"D\u0435bian":                    "d bian",  // Cyrillic е
		"\u212Aylin":                     "ylin",    // Kelvin sign, which Unicode lowers to k
		"\uff24ebian":                    "ebian",   // fullwidth D
		"Deb\u200bian":                   "deb ian", // zero-width space
		"":                               "",
	} {
		if got := strings.Join(tokens(in), " "); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// Hostile names and versions: look-alikes, control characters, huge and many tokens. None is
// known, and the over-long one is an error that names the argument.
func TestAbuse(t *testing.T) {
	tb := table(t)
	at := day("2026-12-02T10:00:00Z")
	for _, c := range []struct{ name, version, dist, want string }{
		{"D\u0435bian", "12", "", ""},
		{"\u212Aylin", "V10", "", ""},
		{"\uff24ebian", "12", "", ""},
		{"Deb\u200bian", "12", "", ""},
		{"Debian\x00", "12", "", ""},
		{"Debian", "12\x1b[0m", "", ""},
		{"Debian", "\x7f12", "", ""},
		{"Debian", "\xff\xfe12", "", ""},
		{"Debian", "9" + strings.Repeat("9", MaxInputBytes-1), "debian", ""},
		{"Debian", "1" + strings.Repeat(".1", 127), "debian", "debian 1.1"},
		{strings.Repeat("debian ", MaxInputBytes/7), "12", "debian", "debian 12"},
		{"Debian", strings.Repeat("sp", MaxInputBytes/2), "debian", ""},
		{"SLES", "15 " + strings.Repeat("sp ", 84), "sles", "sles 15.0"},
		{"openEuler", "22.03 " + strings.Repeat("lts ", 62), "openeuler", "openeuler 22.03-lts"},
	} {
		a, err := tb.Query(c.name, c.version, at)
		got := ""
		if a.Known {
			got = a.Distribution + " " + a.Release
		}
		if err != nil || a.Distribution != c.dist || got != c.want || (!a.Known && (a.Note == "" || a.Supported || a.ExtendedSupported)) {
			t.Errorf("%q %q: %+v %v", c.name, c.version, a, err)
		}
	}
	// At the bound, a lookup still answers.
	if a, err := tb.Query("Debian"+strings.Repeat(" ", MaxInputBytes-6), "12"+strings.Repeat(" ", MaxInputBytes-2), at); err != nil || a.Release != "12" {
		t.Errorf("at the bound: %+v %v", a, err)
	}
	for _, c := range []struct {
		name, version, arg string
		n                  int
	}{
		{strings.Repeat("a", MaxInputBytes+1), "12", "os_name", MaxInputBytes + 1},
		{"Debian", strings.Repeat("1.", 2<<20), "os_version", 4 << 20},
		{"Debian" + strings.Repeat(" ", MaxInputBytes), "12", "os_name", MaxInputBytes + 6},
	} {
		a, err := tb.Query(c.name, c.version, at)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Argument != c.arg || ie.Length != c.n || !strings.Contains(err.Error(), c.arg) ||
			a.Known || a.Distribution != "" || a.Note != err.Error() {
			t.Errorf("%s of %d bytes: %+v %v", c.arg, c.n, a, err)
		}
		if b := tb.Lookup(c.name, c.version, at); b != a {
			t.Errorf("Lookup %+v, Query %+v", b, a)
		}
		if Distribution(c.name) != "" && len(c.name) > MaxInputBytes {
			t.Errorf("Distribution read an over-long name")
		}
	}
}

// Rejecting an over-long input costs the same whatever its length: it is never copied or read.
func TestOverLongInputIsNotRead(t *testing.T) {
	tb := table(t)
	at := day("2026-12-02T10:00:00Z")
	long := strings.Repeat("1.", 2<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		_, _ = tb.Query("Debian", long, at)
		_, _ = tb.Query(long, "12", at)
	}
	runtime.ReadMemStats(&after)
	// One copy of the input would be 4 MB a call.
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("%d bytes allocated rejecting 20 inputs of %d bytes", n, len(long))
	}
}

// A version falls in the longest release cycle it starts with, over at most three parts.
func TestCycle(t *testing.T) {
	rows := map[string]*Row{}
	for _, r := range []string{"3", "3.1", "3.1.4", "4.0"} {
		rows[r] = &Row{Release: r}
	}
	for num, want := range map[string]string{
		"3": "3", "3.0": "3", "3.1": "3.1", "3.1.5": "3.1", "3.1.4": "3.1.4", "3.1.4.2": "3.1.4", "3.2.1": "3",
		"4": "", "4.0.1": "4.0", "31": "", "": "", "3.1.4" + strings.Repeat(".9", 100): "3.1.4",
	} {
		got := ""
		if r := cycle(rows, num); r != nil {
			got = r.Release
		}
		if got != want {
			t.Errorf("%q: %q, want %q", num, got, want)
		}
	}
}
