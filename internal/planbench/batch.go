package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// runBatch plans n distinct images twice: as n instances of hss_image_basic_image (for_each)
// and as one hss_image_basic_images of n, and reports wall time and HSS requests of each.
func runBatch(runs, n int, latency time.Duration) error {
	tf, work, rc, err := prepare()
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fmt.Printf("terraform plan of %d distinct images, emulator latency %s, %d runs each (medians), %s/%s, %d CPUs\n\n",
		n, latency, runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "configuration\twall (median)\tHSS requests\t")
	var walls []time.Duration
	for _, batch := range []bool{false, true} {
		var ws []time.Duration
		hss := 0
		for range runs {
			w, h, err := batchOnce(tf, rc, work, n, latency, batch)
			if err != nil {
				return err
			}
			ws, hss = append(ws, w), h
		}
		slices.Sort(ws)
		name := fmt.Sprintf("%d × hss_image_basic_image (for_each)", n)
		if batch {
			name = fmt.Sprintf("one hss_image_basic_images of %d", n)
		}
		walls = append(walls, ws[len(ws)/2])
		fmt.Fprintf(tw, "%s\t%.2fs\t%d\t\n", name, ws[len(ws)/2].Seconds(), hss)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("\nthe batch takes %.2f× the time of the for_each\n", walls[1].Seconds()/walls[0].Seconds())
	return nil
}

func batchOnce(tf, rc, work string, n int, latency time.Duration, batch bool) (time.Duration, int, error) {
	emu := emulator.New(nil)
	srv, err := emulator.Serve(emu, "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	defer srv.Close()
	emu.SetLatency(latency)
	dir, err := os.MkdirTemp(work, "batch")
	if err != nil {
		return 0, 0, err
	}
	// Distinct queries of one entry each: the namespace makes each its own read.
	reads := `data "hss_image_basic_image" "all" {
  for_each   = local.images
  image_id   = each.value.image_id
  image_type = each.value.image_type
  namespace  = each.value.namespace
}

output "entries" {
  value = sum([for d in data.hss_image_basic_image.all : d.total_num])
}`
	if batch {
		reads = `data "hss_image_basic_images" "all" {
  images = local.images
}

output "entries" {
  value = sum([for r in data.hss_image_basic_images.all.results : r.total_num])
}`
	}
	config := akskHeader(srv.URL) + fmt.Sprintf(`
locals {
  images = { for i in range(%d) : "image-${i}" => { image_id = "synthetic-1", image_type = "cicd", namespace = "ns-${i}" } }
}

%s
`, n, reads)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf, "plan", "-input=false", "-lock=false", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("terraform plan: %w\n%s", err, out)
	}
	if want := fmt.Sprintf("entries = %d", n); !strings.Contains(string(out), want) {
		return 0, 0, fmt.Errorf("plan output lacks %q:\n%s", want, out)
	}
	return wall, emu.Count(emulator.KindHSS), nil
}

// akskHeader is the terraform block and a provider block signing with the emulator's keys at url.
func akskHeader(url string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    hss = { source = "hsslabs/hss" }
  }
}

provider "hss" {
  region     = %q
  endpoints  = { hss = %q, iam = %q }
  access_key = %q
  secret_key = %q
}
`, emulator.Region, url, url, emulator.AccessKeyID, emulator.SecretAccessKey)
}
