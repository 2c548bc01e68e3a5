//go:build generate

// Package goreleaser pins the release tool in a module of its own: its dependencies are many
// and must not move those of the provider or of the lint and docs tools.
package goreleaser

import (
	_ "github.com/goreleaser/goreleaser/v2"
)
