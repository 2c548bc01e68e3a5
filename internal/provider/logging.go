package provider

import "os"

// Terraform and OpenTofu show a provider's log lines only when TF_LOG or TF_LOG_PROVIDER is
// set; otherwise they discard every line. The plugin libraries log at TRACE unless told
// otherwise, so without these variables a provider still formats every line of the framework
// and the protocol as JSON and sends it to Terraform, which parses it and throws it away: a
// third of the provider's CPU in a plan of one hss_image_basic_images of 1,000 images.

// unshownLogLevels are the plugin libraries' level variables, set to OFF when nothing they
// would log can be shown.
var unshownLogLevels = []string{"TF_LOG_PROVIDER_HSS", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// QuietUnshownLogs turns the provider's and the plugin libraries' logging off when neither
// TF_LOG nor TF_LOG_PROVIDER is set, as Terraform reads them (set and not empty). main calls
// it before serving.
func QuietUnshownLogs() error { return quietUnshownLogs(osEnv{}, os.Setenv) }

func quietUnshownLogs(env environment, set func(name, value string) error) error {
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if v, ok := env.Lookup(name); ok && v != "" {
			return nil
		}
	}
	for _, name := range unshownLogLevels {
		if err := set(name, "OFF"); err != nil {
			return err
		}
	}
	return nil
}
