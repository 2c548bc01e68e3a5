package provider

import (
	"maps"
	"slices"
	"testing"
)

// The plugin libraries' logging goes off exactly when Terraform would show none of it: neither
// TF_LOG nor TF_LOG_PROVIDER set, or set empty.
func TestQuietUnshownLogs(t *testing.T) {
	cases := map[string]struct {
		env   mapEnv
		quiet bool
	}{
		"nothing set":                 {mapEnv{}, true},
		"both empty":                  {mapEnv{"TF_LOG": "", "TF_LOG_PROVIDER": ""}, true},
		"only the path":               {mapEnv{"TF_LOG_PATH": "/tmp/tf.log"}, true},
		"only core":                   {mapEnv{"TF_LOG_CORE": "TRACE"}, true},
		"only this provider's filter": {mapEnv{"TF_LOG_PROVIDER_HSS": "TRACE"}, true},
		"TF_LOG":                      {mapEnv{"TF_LOG": "trace"}, false},
		"TF_LOG=JSON":                 {mapEnv{"TF_LOG": "JSON"}, false},
		"TF_LOG_PROVIDER":             {mapEnv{"TF_LOG_PROVIDER": "DEBUG"}, false},
		"an invalid level":            {mapEnv{"TF_LOG": "loud"}, false},
	}
	for name, c := range cases {
		set := map[string]string{}
		if err := quietUnshownLogs(c.env, func(k, v string) error { set[k] = v; return nil }); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		if c.quiet {
			for _, k := range []string{"TF_LOG_PROVIDER_HSS", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
				want[k] = "OFF"
			}
		}
		if !maps.Equal(set, want) {
			t.Errorf("%s: set %v, want %v", name, slices.Sorted(maps.Keys(set)), slices.Sorted(maps.Keys(want)))
		}
	}
}
