// Package sdkmodel reads what the Huawei Cloud Go SDK's request models document of their
// fields — the values an enumeration takes, the range of a number — from the SDK's own source
// in the module cache, so tests can hold the provider's lists and the emulator's checks to the
// SDK rather than to a copy.
package sdkmodel

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Module is the SDK's module path.
const Module = "github.com/huaweicloud/huaweicloud-sdk-go-v3"

// Field is what a model documents of one field.
type Field struct {
	// Doc is the field's comment.
	Doc string
	// Values are the enumeration's values, in the order documented; nil when none are listed.
	Values []string
	// Min and Max are the documented range; HasRange says whether there is one.
	Min, Max int
	HasRange bool
}

var moduleDir = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", Module).Output()
	if err != nil {
		return "", fmt.Errorf("locating %s: %w", Module, err)
	}
	return strings.TrimSpace(string(out)), nil
})

var (
	// Values are listed as "- private_image : …" or "- private_image：…"; a few lists write
	// "- Harbor harbor仓库", without the colon.
	valuePattern     = regexp.MustCompile(`-\s*([A-Za-z][A-Za-z0-9_]*)\s*[:：]`)
	bareValuePattern = regexp.MustCompile(`(?:^|\s)-\s+([A-Za-z][A-Za-z0-9_]*)\s+\S`)
	rangePattern     = regexp.MustCompile(`取值\s*(\d+)\s*[-~]\s*(\d+)|最小值\s*(\d+)\s*[,，]\s*最大值\s*(\d+)`)
)

// Request reads the fields of model (e.g. "ListImageBasicImageRequest") of service version
// dir (e.g. "hss/v5"), by JSON name.
func Request(service, model string) (map[string]Field, error) { return Model(service, model) }

// Model reads the fields of any model of service, a request's or a response's (e.g.
// "RegistryImagesInfo"), by JSON name.
func Model(service, model string) (map[string]Field, error) {
	root, err := moduleDir()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, "services", service, "model", "model_"+snake(model)+".go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	out := map[string]Field{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != model {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return false
		}
		for _, fl := range st.Fields.List {
			if fl.Tag == nil {
				continue
			}
			tag, _ := strconv.Unquote(fl.Tag.Value)
			name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			out[name] = parseDoc(fl.Doc.Text())
		}
		return false
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no struct %s", path, model)
	}
	return out, nil
}

func parseDoc(doc string) Field {
	f := Field{Doc: doc}
	// The values are listed after 取值范围 where the comment has sections, else anywhere.
	list := doc
	if _, after, ok := strings.Cut(doc, "取值范围"); ok {
		list, _, _ = strings.Cut(after, "默认取值")
	}
	for _, m := range valuePattern.FindAllStringSubmatch(list, -1) {
		f.Values = append(f.Values, m[1])
	}
	if f.Values == nil && strings.Contains(doc, "取值范围") {
		for _, m := range bareValuePattern.FindAllStringSubmatch(list, -1) {
			f.Values = append(f.Values, m[1])
		}
	}
	if m := rangePattern.FindStringSubmatch(list); m != nil {
		lo, hi := m[1], m[2]
		if lo == "" {
			lo, hi = m[3], m[4]
		}
		f.Min, _ = strconv.Atoi(lo)
		f.Max, _ = strconv.Atoi(hi)
		f.HasRange = true
	}
	return f
}

// snake is a Go type name as the SDK names its file: ListImageBasicImageRequest is
// list_image_basic_image_request.
func snake(s string) string {
	var b bytes.Buffer
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
