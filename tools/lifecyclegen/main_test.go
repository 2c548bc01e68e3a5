package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const product = `---
title: Example
releases:
  - releaseCycle: "13"
    releaseDate: 2025-08-09
    eol: 2028-08-09
    eoes: 2030-06-30

  - releaseCycle: "10"
    releaseDate: 2025-06-26
    eol: false
    eoes: false
    link: https://example.com/

    latestReleaseDate: 2026-06-16
  - releaseCycle: "3.20"
    releaseDate: 2024-05-22
    eol: 2026-04-01
---

Prose that is not copied.
`

func TestRowsOf(t *testing.T) {
	rows, err := rowsOf("debian", "debian", "2026-08-22", []byte(product))
	if err != nil {
		t.Fatal(err)
	}
	src := "endoflife.date 2026-08-22: https://endoflife.date/debian"
	want := [][]string{
		{"debian", "13", "2025-08-09", "2028-08-09", "2030-06-30", src},
		{"debian", "10", "2025-06-26", "", "", src},
		{"debian", "3.20", "2024-05-22", "2026-04-01", "", src},
	}
	if len(rows) != len(want) {
		t.Fatalf("%v", rows)
	}
	for i := range want {
		if strings.Join(rows[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d: %v, want %v", i, rows[i], want[i])
		}
	}
}

func TestRowsOfRefuses(t *testing.T) {
	for body, want := range map[string]string{
		"---\nreleases:\n  - releaseCycle: \"9\"\n    releaseDate: 2017-06-17\n    eol: true\n---\n":                    "eol is true without a date",
		"---\nreleases:\n  - releaseCycle: \"9\"\n    releaseDate: 2017-06\n    eol: 2020-07-18\n---\n":                 "releaseDate",
		"---\nreleases:\n  - releaseCycle: \"9\"\n    releaseDate: 2017-06-17\n    eol: soon\n---\n":                    "neither a date nor false",
		"---\nreleases:\n  - releaseCycle: \"9\"\n    releaseDate: 2017-06-17\n    eol: 2020-07-18\n    eoes: x\n---\n": "eoes",
		"---\nreleases:\n  - releaseDate: 2017-06-17\n---\n":                                                            "without releaseCycle",
		"---\nreleases: []\n---\n": "no releases",
		"---\nreleases:\n  - releaseCycle: \"9\"\n    releaseDate: 2017-06-17\n    eol: 2020-07-18\n  - releaseCycle: \"9\"\n    releaseDate: 2017-06-17\n    eol: 2020-07-19\n---\n": "listed twice",
		"no front matter": "no front matter",
	} {
		if _, err := rowsOf("debian", "debian", "2026-08-22", []byte(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}

// A whole run over a checkout: every product is read, and the table is written sorted, with
// the header the provider reads.
func TestRun(t *testing.T) {
	src := filepath.Join(t.TempDir(), "products")
	if err := os.MkdirAll(src, 0o750); err != nil {
		t.Fatal(err)
	}
	for p := range products {
		if err := os.WriteFile(filepath.Join(src, p+".md"), []byte(product), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "table.csv")
	if err := run(filepath.Dir(src), "2026-08-22", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if !strings.HasPrefix(lines[0], "# ") || lines[2] != strings.Join(Header, ",") || len(lines) != 3+3*len(products) {
		t.Fatalf("%s", b)
	}
	if !strings.HasPrefix(lines[3], "almalinux,13,") || !strings.HasPrefix(lines[len(lines)-1], "ubuntu,3.20,") {
		t.Fatalf("not sorted:\n%s", b)
	}
	if err := run(filepath.Dir(src), "22 August", out); err == nil {
		t.Fatal("a snapshot that is no date was accepted")
	}
	if err := os.Remove(filepath.Join(src, "debian.md")); err != nil {
		t.Fatal(err)
	}
	if err := run(filepath.Dir(src), "2026-08-22", out); err == nil || !strings.Contains(err.Error(), "debian.md") {
		t.Fatalf("a missing product: %v", err)
	}
}

// checkout writes a products/ directory with body for every product but the ones in bodies.
func checkout(t *testing.T, body string, bodies map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "products")
	if err := os.MkdirAll(src, 0o750); err != nil {
		t.Fatal(err)
	}
	for p := range products {
		b, ok := bodies[p]
		if !ok {
			b = body
		}
		if err := os.WriteFile(filepath.Join(src, p+".md"), []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func generate(t *testing.T, src string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "table.csv")
	if err := run(src, "2026-08-22", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The same releases give the same bytes: run after run, and whatever order a product file
// lists them in, releases of the same day included.
func TestDeterministic(t *testing.T) {
	release := func(cycle, date string) string {
		return "  - releaseCycle: \"" + cycle + "\"\n    releaseDate: " + date + "\n    eol: 2030-01-01\n"
	}
	rel := []string{
		release("2", "2024-01-01"), release("1.1", "2023-01-01"), release("1.0", "2023-01-01"), release("1.2", "2023-01-01"), release("0.9", "2022-01-01"),
	}
	forward := "---\nreleases:\n" + strings.Join(rel, "") + "---\n"
	backward := "---\nreleases:\n" + rel[4] + rel[3] + rel[2] + rel[1] + rel[0] + "---\n"
	shuffled := "---\nreleases:\n" + rel[2] + rel[0] + rel[4] + rel[1] + rel[3] + "---\n"
	want := generate(t, checkout(t, forward, nil))
	for i := range 3 {
		if got := generate(t, checkout(t, forward, nil)); !bytes.Equal(got, want) {
			t.Fatalf("run %d differs:\n%s\nfrom\n%s", i, got, want)
		}
	}
	for name, body := range map[string]string{"backward": backward, "shuffled": shuffled} {
		if got := generate(t, checkout(t, body, nil)); !bytes.Equal(got, want) {
			t.Errorf("%s order differs:\n%s\nfrom\n%s", name, got, want)
		}
	}
	if !bytes.Contains(want, []byte("debian,2,2024-01-01,2030-01-01,,endoflife.date 2026-08-22: https://endoflife.date/debian\n"+
		"debian,1.0,2023-01-01,2030-01-01,,endoflife.date 2026-08-22: https://endoflife.date/debian\n"+
		"debian,1.1,2023-01-01,")) {
		t.Errorf("not newest first, then by release:\n%s", want)
	}
}

// A product file larger than any real one is refused before it is parsed.
func TestLargeProductRefused(t *testing.T) {
	big := product + strings.Repeat("x", maxProductBytes)
	err := run(checkout(t, product, map[string]string{"debian": big}), "2026-08-22", filepath.Join(t.TempDir(), "t.csv"))
	if err == nil || !strings.Contains(err.Error(), "debian.md: larger than") {
		t.Fatalf("%v", err)
	}
	if err := run(checkout(t, product, map[string]string{"debian": big[:maxProductBytes]}), "2026-08-22", filepath.Join(t.TempDir(), "t.csv")); err != nil {
		t.Fatalf("at the bound: %v", err)
	}
}
