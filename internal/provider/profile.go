package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hsslabs/terraform-provider-hss/internal/safefile"
)

// The Huawei Cloud CLI (hcloud) keeps profiles in ~/.hcloud/config.json; the Huawei Cloud
// provider reads the same file, so these are its field names.
type sharedConfig struct {
	Current  string          `json:"current"`
	Profiles []sharedProfile `json:"profiles"`
}

type sharedProfile struct {
	Name             string `json:"name"`
	Mode             string `json:"mode"`
	AccessKeyID      string `json:"accessKeyId"`
	SecretAccessKey  string `json:"secretAccessKey"`
	SecurityToken    string `json:"securityToken"`
	Region           string `json:"region"`
	ProjectID        string `json:"projectId"`
	AgencyDomainID   string `json:"agencyDomainId"`
	AgencyDomainName string `json:"agencyDomainName"`
	AgencyName       string `json:"agencyName"`
	SsoAuth          struct {
		StsToken struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SecurityToken   string `json:"securityToken"`
		} `json:"stsToken"`
	} `json:"ssoAuth"`
}

// Profile modes of the CLI this provider can use.
const (
	profileModeAKSK      = "AKSK"
	profileModeSSO       = "SSO"
	profileModeECSAgency = "ecsAgency"
)

// defaultSharedConfigFile is where the CLI keeps its profiles.
func defaultSharedConfigFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join("~", ".hcloud", "config.json")
	}
	return filepath.Join(home, ".hcloud", "config.json")
}

// readProfile reads profile name (the file's current one when empty) from the CLI's config
// file at path, and returns it with its keys where its mode keeps them.
func readProfile(ctx context.Context, path, name string) (sharedProfile, error) {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	b, err := safefile.Read(ctx, path, maxConfigFileBytes)
	if err != nil {
		return sharedProfile{}, fmt.Errorf("the shared config file: %w", err)
	}
	var sc sharedConfig
	if err := json.Unmarshal(b, &sc); err != nil {
		return sharedProfile{}, fmt.Errorf("%s is not a Huawei Cloud CLI config file (JSON with \"current\" and \"profiles\"): %w", safefile.ShownPath(path), err)
	}
	if name == "" {
		name = sc.Current
	}
	if name == "" {
		return sharedProfile{}, fmt.Errorf("%s names no current profile; set profile (%s)", safefile.ShownPath(path), EnvProfile)
	}
	for _, p := range sc.Profiles {
		if p.Name != name {
			continue
		}
		switch p.Mode {
		case profileModeSSO:
			st := p.SsoAuth.StsToken
			p.AccessKeyID, p.SecretAccessKey, p.SecurityToken = st.AccessKeyID, st.SecretAccessKey, st.SecurityToken
		case profileModeECSAgency:
			return p, nil
		case profileModeAKSK, "":
		default:
			return sharedProfile{}, fmt.Errorf("profile %q of %s has mode %q; the modes that can be used are %s, %s and %s",
				name, safefile.ShownPath(path), p.Mode, profileModeAKSK, profileModeSSO, profileModeECSAgency)
		}
		if p.AccessKeyID == "" || p.SecretAccessKey == "" {
			return sharedProfile{}, fmt.Errorf("profile %q of %s has no accessKeyId and secretAccessKey in plain text "+
				"(the CLI may keep them encrypted: hcloud configure set --cli-auth-encrypt=false stores them readable)", name, safefile.ShownPath(path))
		}
		return p, nil
	}
	return sharedProfile{}, errors.New("profile " + fmt.Sprintf("%q", name) + " is not in " + safefile.ShownPath(path))
}
