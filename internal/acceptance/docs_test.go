package acceptance

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// repoRoot is the repository's root directory.
func repoRoot() string { return filepath.Join(exampleRoot(), "..") }

func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(), rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section is the text of the markdown section under heading, up to the next heading of its level.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	_, after, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("no section %q", heading)
	}
	level := heading[:strings.IndexByte(heading, ' ')+1]
	if i := strings.Index(after, "\n"+level); i >= 0 {
		after = after[:i]
	}
	return after
}

// tableRows are the cells of each body row of the markdown tables in text.
func tableRows(text string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	if len(rows) > 0 {
		rows = rows[1:] // the header
	}
	return rows
}

// The first-plan guide lists the regions the client knows, no more and no fewer.
func TestGuideListsTheKnownRegions(t *testing.T) {
	b := readRepoFile(t, filepath.Join("templates", "guides", "before-the-first-plan.md.tmpl"))
	_, after, _ := strings.Cut(b, "nearest\nof the SDK's HSS regions: ")
	line, _, _ := strings.Cut(after, ".\n")
	var got []string
	for _, m := range regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(line, -1) {
		got = append(got, m[1])
	}
	if !slices.Equal(got, endpoints.KnownRegions) {
		t.Fatalf("the guide lists %v, the client knows %v", got, endpoints.KnownRegions)
	}
}

// declaredRequests are the requests the code declares: every exported HSS operation
// (`Op…` constants of internal/hss) and every IAM, STS and metadata exchange of
// internal/credentials (`op…` constants), as "METHOD /path". Parsed from the source, so a new
// one is found without this test naming it.
func declaredRequests(t *testing.T) (hssOps, credentialOps []string) {
	t.Helper()
	request := regexp.MustCompile(`^(GET|POST|PUT|DELETE|PATCH) /\S+$`)
	collect := func(dir string, exported bool) []string {
		var out []string
		files, err := filepath.Glob(filepath.Join(repoRoot(), "internal", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range file.Decls {
				gen, ok := decl.(*ast.GenDecl)
				if !ok || gen.Tok != token.CONST {
					continue
				}
				for _, spec := range gen.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						prefix := "op"
						if exported {
							prefix = "Op"
						}
						if !strings.HasPrefix(name.Name, prefix) || i >= len(vs.Values) {
							continue
						}
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							t.Fatalf("%s: %s is not a string literal", f, name.Name)
						}
						v, _ := strconv.Unquote(lit.Value)
						if request.MatchString(v) {
							out = append(out, v)
						} else if exported {
							t.Fatalf("%s: %s = %q is not METHOD /path", f, name.Name, v)
						}
					}
				}
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return collect("hss", true), collect("credentials", false)
}

// The permissions guide's one table has a row for every request the code declares, HSS's and
// the credential services', and names no request the code does not send.
func TestGuidePermissionsCoverEveryRequest(t *testing.T) {
	hssOps, credentialOps := declaredRequests(t)
	if len(hssOps) < 5 || len(credentialOps) < 7 {
		t.Fatalf("found only %v and %v: is the parser still reading the constants?", hssOps, credentialOps)
	}
	guide := readRepoFile(t, filepath.Join("templates", "guides", "permissions.md.tmpl"))
	rows := tableRows(section(t, guide, "## Permissions"))
	inTable := map[string]bool{}
	code := regexp.MustCompile("`([^`]+)`")
	for _, row := range rows {
		for _, m := range code.FindAllStringSubmatch(row[0], -1) {
			inTable[m[1]] = true
		}
	}
	declared := map[string]bool{}
	for _, op := range append(slices.Clone(hssOps), credentialOps...) {
		declared[op] = true
		if !inTable[op] {
			t.Errorf("the permissions table has no row for %s", op)
		}
	}
	for req := range inTable {
		if !declared[req] {
			t.Errorf("the permissions table names %s, which the code does not send", req)
		}
	}
	// Each HSS request is in the table of what the data sources send, too.
	sends := section(t, guide, "## What each data source sends")
	for _, op := range hssOps {
		if !strings.Contains(sends, "`"+op+"`") {
			t.Errorf("no data source is said to send %s", op)
		}
	}
}

// The first-plan guide's table of image types says, for each data source that takes one, the
// types its validator accepts: the SDK models' lists, held in internal/hss.
func TestGuideImageTypesAreTheDataSources(t *testing.T) {
	guide := readRepoFile(t, filepath.Join("templates", "guides", "before-the-first-plan.md.tmpl"))
	rows := tableRows(section(t, guide, "## Image types: which data source takes which"))
	columns := []struct {
		name  string
		types []string
	}{{"hss_image_basic_image", hss.ImageTypes}, {"hss_image_vulnerabilities", hss.VulnerabilityImageTypes}, {"hss_images", hss.RegistryImageTypes}}
	got := make([][]string, len(columns))
	var all []string
	for _, row := range rows {
		if len(row) != 2+len(columns) {
			t.Fatalf("row %v has %d cells", row, len(row))
		}
		typ := strings.Trim(row[0], "`")
		all = append(all, typ)
		for i := range columns {
			switch row[2+i] {
			case "yes":
				got[i] = append(got[i], typ)
			case "no":
			default:
				t.Fatalf("row %s: %q is neither yes nor no", typ, row[2+i])
			}
		}
	}
	for i, c := range columns {
		want := slices.Sorted(slices.Values(c.types))
		if slices.Sort(got[i]); !slices.Equal(got[i], want) {
			t.Errorf("the guide says %s takes %v; it takes %v", c.name, got[i], want)
		}
		for _, typ := range c.types {
			if !slices.Contains(all, typ) {
				t.Errorf("the table has no row for %s", typ)
			}
		}
	}
}

// The provider's page lists every data source and function the docs have a page for.
func TestIndexListsEveryDataSourceAndFunction(t *testing.T) {
	index := readRepoFile(t, filepath.Join("templates", "index.md.tmpl"))
	for dir, name := range map[string]func(string) string{
		"data-sources": func(s string) string { return "`hss_" + s + "`" },
		"functions":    func(s string) string { return "`provider::hss::" + s + "`" },
	} {
		pages, err := filepath.Glob(filepath.Join(repoRoot(), "docs", dir, "*.md"))
		if err != nil || len(pages) == 0 {
			t.Fatalf("no pages in docs/%s: %v", dir, err)
		}
		for _, p := range pages {
			want := "| " + name(strings.TrimSuffix(filepath.Base(p), ".md")) + " |"
			if !strings.Contains(index, want) {
				t.Errorf("index.md.tmpl has no line %s…", want)
			}
		}
	}
	if g, o := strings.Index(index, "hss_image_gate"), strings.Index(index, "hss_image_basic_image"); g < 0 || g > o {
		t.Error("the index does not introduce the gate first")
	}
}

// Every example that calls a provider function says that it needs Terraform 1.8, where an older
// CLI reads it: `terraform init` then names the version instead of a parser error.
func TestExamplesDeclareTheVersionFunctionsNeed(t *testing.T) {
	dirs := map[string][]string{}
	err := filepath.WalkDir(exampleRoot(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			dirs[filepath.Dir(p)] = append(dirs[filepath.Dir(p)], p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	for dir, files := range dirs {
		var src strings.Builder
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src.Write(b)
		}
		if !strings.Contains(src.String(), "provider::hss::") {
			continue
		}
		calls++
		if !strings.Contains(src.String(), `required_version = ">= 1.8"`) {
			rel, _ := filepath.Rel(exampleRoot(), dir)
			t.Errorf("examples/%s calls a provider function without required_version = \">= 1.8\"", rel)
		}
	}
	if calls == 0 {
		t.Fatal("no example calls a provider function")
	}
}

// emulatorLine is a shell line of the docs that starts the emulator.
// refused is a line whose comment says the gate stops its plan.
type emulatorLine struct {
	file, line string
	refused    bool
}

// emulatorLines are the lines of the README and the templates that start bin/hss-emulator: a
// line of a code block, or inline code that runs a command under it (" -- ").
func emulatorLines(t *testing.T) []emulatorLine {
	t.Helper()
	files := []string{"README.md"}
	err := filepath.WalkDir(filepath.Join(repoRoot(), "templates"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md.tmpl") {
			rel, _ := filepath.Rel(repoRoot(), p)
			files = append(files, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	inline := regexp.MustCompile("`(bin/hss-emulator(?: [^`]*)? -- [^`]+)`")
	var out []emulatorLine
	for _, f := range files {
		fence := false
		for _, line := range strings.Split(readRepoFile(t, f), "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "```") {
				fence = !fence
				continue
			}
			if fence {
				if strings.HasPrefix(trimmed, "bin/hss-emulator") {
					cmd, comment, _ := strings.Cut(trimmed, " #")
					out = append(out, emulatorLine{f, strings.TrimSpace(cmd), strings.Contains(comment, "refused")})
				}
				continue
			}
			for _, m := range inline.FindAllStringSubmatch(line, -1) {
				out = append(out, emulatorLine{f, m[1], false})
			}
		}
	}
	return out
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Every shell line of the README and the guides that starts the emulator runs as pasted from the
// repository root after `make demo` (which builds bin/): one that runs a command under it exits
// 0 with a plan, or, when its comment says so, stops with the gate's refusal; one that serves prints what to paste, and what it prints plans. Nothing is set
// beforehand: no TF_CLI_CONFIG_FILE, no credentials.
func TestGuideEmulatorLinesRunAsPasted(t *testing.T) {
	buildProvider(t) // skips without TF_ACC
	lines := emulatorLines(t)
	if len(lines) < 2 {
		t.Fatalf("found %d emulator lines: %v", len(lines), lines)
	}
	root := repoRoot()
	// The binaries `make demo` builds.
	if out, err := exec.Command("make", "-C", root, "--no-print-directory", "build", "emulator", "bin/dev.tfrc").CombinedOutput(); err != nil {
		t.Fatalf("make: %v\n%s", err, out)
	}
	var env []string
	for _, kv := range cleanEnv() {
		if !strings.HasPrefix(kv, "TF_VAR_") && !strings.HasPrefix(kv, "HSS_") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	// Every terraform a line starts is the counting wrapper.
	env = append(env, "CHECKPOINT_DISABLE=1", "PATH="+filepath.Dir(os.Getenv("TF_ACC_TERRAFORM_PATH"))+string(os.PathListSeparator)+os.Getenv("PATH"))
	before := exampleFiles(t)
	plan := regexp.MustCompile(`(?m)^(Plan: \d+ to add|No changes\.|Changes to Outputs:)`)
	for _, l := range lines {
		t.Run(l.file+": "+l.line, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			if strings.Contains(l.line, " -- ") {
				cmd := exec.CommandContext(ctx, "bash", "-c", l.line)
				cmd.Dir, cmd.Env = root, env
				out, err := cmd.CombinedOutput()
				text := ansi.ReplaceAllString(string(out), "")
				if l.refused {
					if err == nil || !strings.Contains(text, "Error: Deployment refused") {
						t.Fatalf("%v, want the plan stopped by the gate:\n%s", err, text)
					}
					return
				}
				if err != nil || !plan.MatchString(text) {
					t.Fatalf("%v, want exit 0 and a plan:\n%s", err, text)
				}
				return
			}
			serveAndFollow(ctx, t, root, env, l.line)
		})
	}
	if after := exampleFiles(t); !slices.Equal(before, after) {
		t.Errorf("running the lines left files in examples/: %v", slices.DeleteFunc(after, func(s string) bool { return slices.Contains(before, s) }))
	}
}

// serveAndFollow starts a line that serves the emulator, pastes what it prints into a directory
// of its own (the CLI configuration line and main.tf), runs the terraform plan it says to, and
// stops the emulator with Ctrl-C.
func serveAndFollow(ctx context.Context, t *testing.T, root string, env []string, line string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "bash", "-c", "exec "+line)
	cmd.Dir, cmd.Env = root, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
		}
	}()
	printed, err := readUsage(stdout)
	if err != nil {
		_ = cmd.Wait()
		stopped = true
		if strings.Contains(stderr.String(), "is already in use") {
			t.Skipf("the line's fixed port is taken on this machine: %s", stderr.String())
		}
		t.Fatalf("%v: %s\nstderr: %s", err, printed, stderr.String())
	}
	var tfrc string
	for _, l := range strings.Split(printed, "\n") {
		if v, ok := strings.CutPrefix(l, "export TF_CLI_CONFIG_FILE="); ok {
			tfrc = v
		}
	}
	_, rest, _ := strings.Cut(printed, "cat > main.tf <<'HCL'\n")
	mainTF, _, ok := strings.Cut(rest, "\nHCL\n")
	if tfrc == "" || !ok || !strings.Contains(printed, "\nterraform plan\n") {
		t.Fatalf("the emulator printed no CLI configuration, main.tf or plan to paste:\n%s", printed)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), "plan")
	tf.Dir, tf.Env = dir, append(slices.Clone(env), "TF_CLI_CONFIG_FILE="+tfrc)
	out, err := tf.CombinedOutput()
	text := ansi.ReplaceAllString(string(out), "")
	if err != nil || !strings.Contains(strings.Join(strings.Fields(text), " "), `ci_base_os = [ + "Debian 9", ]`) {
		t.Fatalf("terraform plan as printed: %v\n%s", err, text)
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	stopped = true
	if err != nil || !strings.Contains(stderr.String(), "hss-emulator: served 1 HSS") {
		t.Fatalf("Ctrl-C: %v\n%s", err, stderr.String())
	}
}

// readUsage reads what a serving emulator prints, up to its list of fixture images.
func readUsage(r io.Reader) (string, error) {
	var b strings.Builder
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Project ") {
			return b.String(), nil
		}
	}
	return b.String(), errors.New("the emulator stopped before it printed what to paste")
}

// exampleFiles lists every file under examples/, to catch a command that writes there.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(exampleRoot(), func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
