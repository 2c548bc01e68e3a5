// Package datasources holds the provider's data sources on one skeleton: each is a declaration
// (its schema, how its arguments become a read, how the answer becomes state), and the skeleton
// does Configure, timeouts, the deterministic id, diagnostics and the state for all of them.
package datasources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/explain"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// Data is what the provider hands every data source: immutable after Configure.
type Data struct {
	Client              *hss.Client
	Region              string
	EnterpriseProjectID string
	Secrets             []string
	// Hints complete read errors with what only the provider's configuration knows.
	Hints explain.Hints
	// NotReady, when set, is why no read can run: Client is nil.
	NotReady diag.Diagnostic
}

// All are the data sources, for the provider to serve.
func All() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewImageBasicImageDataSource,
		NewImagesDataSource,
		NewImageVulnerabilitiesDataSource,
		NewImageBasicImagesDataSource,
		NewImageDataSource,
		NewImageGateDataSource,
	}
}

// withMasking hides every configured secret from log output written through ctx.
func (d *Data) withMasking(ctx context.Context) context.Context {
	return MaskSecrets(ctx, d.Secrets)
}

// MaskSecrets hides secrets from log output written through ctx.
func MaskSecrets(ctx context.Context, secrets []string) context.Context {
	var nonEmpty []string
	for _, s := range secrets {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	if len(nonEmpty) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, nonEmpty...)
	return tflog.MaskMessageStrings(ctx, nonEmpty...)
}
