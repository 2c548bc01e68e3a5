package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// bigSample is one plan of one data source with a large result, measured on the provider
// process itself.
type bigSample struct {
	wall        time.Duration
	providerCPU time.Duration
	peakRSS     int64 // bytes
	hss         int
	inFlight    int
}

// bigRead plans one read of entries entries with the provider started by this program
// (-debug, attached through TF_REATTACH_PROVIDERS), so its CPU time and peak RSS can be read
// from /proc before it exits.
func bigRead(tf, work string, entries int, latency time.Duration) (bigSample, error) {
	emu := emulator.New(nil)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	if latency > 0 {
		emu.SetLatency(latency)
	}
	dir, err := os.MkdirTemp(work, "big")
	if err != nil {
		return bigSample{}, err
	}
	config := akskHeader(srv.URL) + fmt.Sprintf(`
data "hss_image_basic_image" "big" {
  image_id   = "synthetic-%d"
  image_type = "cicd"
}

output "entries" {
  value = length(data.hss_image_basic_image.big.data_list)
}
`, entries)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return bigSample{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	prov, reattach, err := startProvider(ctx, work)
	if err != nil {
		return bigSample{}, err
	}
	defer func() { _ = prov.Process.Kill(); _ = prov.Wait() }()
	cmd := exec.CommandContext(ctx, tf, "plan", "-input=false", "-lock=false", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+reattach, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	start := time.Now()
	plan, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		return bigSample{}, fmt.Errorf("terraform plan: %w\n%s", err, plan)
	}
	if want := fmt.Sprintf("entries = %d", entries); !strings.Contains(string(plan), want) {
		return bigSample{}, fmt.Errorf("plan output lacks %q:\n%s", want, plan)
	}
	cpu, rss, err := procUsage(prov.Process.Pid)
	if err != nil {
		return bigSample{}, err
	}
	return bigSample{wall: wall, providerCPU: cpu, peakRSS: rss, hss: emu.Count(emulator.KindHSS), inFlight: emu.MaxInFlight()}, nil
}

// procUsage reads a process's CPU time (user and system) and peak resident set from /proc.
func procUsage(pid int) (time.Duration, int64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	cpu := time.Duration(utime+stime) * time.Second / ticks
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return cpu, kb * 1024, nil
		}
	}
	return cpu, 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
