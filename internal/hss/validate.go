package hss

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/agext/levenshtein"
)

// Enterprise projects a query may name besides an enterprise project's ID.
const (
	DefaultEnterpriseProject = "0"
	AllGrantedEPs            = "all_granted_eps"
)

// EnterpriseProjectForm says what enterprise_project_id may be, for error messages.
const EnterpriseProjectForm = `"0" (the default enterprise project), "all_granted_eps" (every one the caller is granted) or an enterprise project ID (a UUID)`

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ValidateOneOf accepts one of values, and says which was probably meant by a near miss: a
// different case, a dash for an underscore, a typo or two, or a prefix of four characters or more.
func ValidateOneOf(what, s string, values []string) error {
	if slices.Contains(values, s) {
		return nil
	}
	form := `"` + strings.Join(values, `", "`) + `"`
	norm := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s)))
	best, dist := "", 3
	for _, t := range values {
		if d := levenshtein.Distance(norm, t, nil); d < dist {
			best, dist = t, d
		} else if best == "" && len(norm) >= 4 && strings.HasPrefix(t, norm) {
			best = t
		}
	}
	if best != "" {
		return fmt.Errorf("%q is not a%s %s: did you mean %q? The %ss are %s", s, article(what), what, best, what, form)
	}
	return fmt.Errorf("%q is not a%s %s: use one of %s", s, article(what), what, form)
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "n"
	}
	return ""
}

// ValidateEnterpriseProjectID accepts the forms the API does, and says what was probably meant
// by a near miss such as "all_granted_ep".
func ValidateEnterpriseProjectID(s string) error {
	if s == DefaultEnterpriseProject || s == AllGrantedEPs || uuidPattern.MatchString(s) {
		return nil
	}
	norm := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s)))
	if norm == AllGrantedEPs || levenshtein.Distance(norm, AllGrantedEPs, nil) <= 3 || (len(norm) >= 3 && strings.HasPrefix(AllGrantedEPs, norm)) {
		return fmt.Errorf("%q is not an enterprise project: did you mean %q?", s, AllGrantedEPs)
	}
	return fmt.Errorf("%q is not an enterprise project: use %s", s, EnterpriseProjectForm)
}

// ImageIDForm says what an image ID may not hold, for error messages.
const ImageIDForm = "a single path segment: not empty, not only dots, and without '/', '\\', '{', '}' or control characters"

// ValidateImageID accepts image IDs that stay one path segment: the SDK substitutes them into
// the path as they are, so "..", "/" or "{project_id}" would address another resource.
func ValidateImageID(s string) error {
	if s == "" || strings.Trim(s, ".") == "" {
		return fmt.Errorf("%q is not an image ID: use %s", s, ImageIDForm)
	}
	for _, r := range s {
		if r == '/' || r == '\\' || r == '{' || r == '}' || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%q is not an image ID: use %s", s, ImageIDForm)
		}
	}
	return nil
}
