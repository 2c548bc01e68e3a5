//go:build generate

// Package tools pins the versions of the documentation and lint tools, kept out of the
// provider's own go.mod.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
