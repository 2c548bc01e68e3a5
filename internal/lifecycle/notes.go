package lifecycle

// support says, per distribution, what its two support levels are: Standard is what eol_date
// ends, Extended what extended_support_until ends ("" when the table has no extended support
// for it, so extended is judged by the standard end).
type support struct {
	Name, Standard, Extended string
}

// supports holds every distribution of Distributions. Those without rows say how to allow them.
var supports = map[string]support{
	"almalinux":     {"AlmaLinux", "AlmaLinux's free security updates", ""},
	"alpine":        {"Alpine Linux", "security fixes to the main repository, free", ""},
	"amazon":        {"Amazon Linux", "AWS's free security updates", ""},
	"centos":        {"CentOS Linux", "CentOS Linux's free updates", ""},
	"centos-stream": {"CentOS Stream", "the CentOS Stream release's free updates", ""},
	"debian":        {"Debian", "the Debian Security team's updates, free", "Debian LTS, free, through the same security archive"},
	"fedora":        {"Fedora", "Fedora's free updates", ""},
	"openeuler":     {"openEuler", "the openEuler community's free updates to the release or LTS service pack, to the last day of its end month", ""},
	"opensuse":      {"openSUSE Leap", "openSUSE Leap's free updates", ""},
	"oracle":        {"Oracle Linux", "Oracle's Premier Support, whose errata are free", "Oracle Extended Support, paid"},
	"photon":        {"VMware Photon OS", "VMware's security support, whose dates endoflife.date calls tentative", ""},
	"rhel":          {"Red Hat Enterprise Linux", "maintenance support, in the RHEL subscription", "the Extended Life Cycle Support (ELS) add-on, paid"},
	"rocky":         {"Rocky Linux", "Rocky Linux's free security updates", ""},
	"sl-micro":      {"SUSE Linux Micro", "SUSE's general support, in the subscription", ""},
	"sles":          {"SUSE Linux Enterprise Server", "SUSE's general support, in the subscription", "Long Term Service Pack Support (LTSS), paid"},
	"ubuntu":        {"Ubuntu", "Canonical's free maintenance and security updates", "Expanded Security Maintenance (ESM) through Ubuntu Pro, paid beyond its free personal tier"},

	"azurelinux":          {"Azure Linux", "", ""},
	"chainguard":          {"Chainguard OS", "", ""},
	"ctyunos":             {"CTyunOS", "", ""},
	"euleros":             {"EulerOS", "", ""},
	"hce":                 {"Huawei Cloud EulerOS", "", ""},
	"kylin":               {"Kylin", "", ""},
	"mariner":             {"CBL-Mariner", "", ""},
	"opensuse-tumbleweed": {"openSUSE Tumbleweed", "", ""},
	"uos":                 {"UnionTech OS", "", ""},
	"wolfi":               {"Wolfi", "", ""},
}

// supportNote is the one-line SupportNote of distribution dist, for release r when known.
func supportNote(dist string, r *Row) string {
	s := supports[dist]
	switch {
	case s.Standard == "":
		return s.Name + ": the table has no dated end of support to cite, so every release is unknown; " +
			"a policy that accepts it must allow it explicitly (os_allow)."
	case s.Extended == "":
		return s.Name + ": standard support is " + s.Standard + "; there is no extended support in the table, so extended is judged by the standard end."
	case r != nil && r.Extended.IsZero():
		return s.Name + ": standard support is " + s.Standard + "; extended support is " + s.Extended +
			", but this release has none, so extended is judged by the standard end."
	}
	return s.Name + ": standard support is " + s.Standard + "; extended support is " + s.Extended + "."
}
