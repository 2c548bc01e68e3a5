package facts_test

import (
	"context"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator/emutest"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/facts"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/lifecycle"
)

func reader(t *testing.T) (facts.Reader, *emulator.Emulator) {
	t.Helper()
	emu, url := emutest.Serve(t)
	c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: url, IAM: url, STS: url},
		Credentials: credentials.Config{Method: credentials.AuthAKSK, AccessKey: emulator.AccessKeyID, SecretKey: emulator.SecretAccessKey}})
	if err != nil {
		t.Fatal(err)
	}
	table, err := lifecycle.Load()
	if err != nil {
		t.Fatal(err)
	}
	return facts.Reader{Client: c, Region: emulator.Region, Table: table, At: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}, emu
}

// gather resolves refs under keys, then forgets the emulator's requests, so they are the reads
// and the scores alone, and reads and scores every image.
func gather(t *testing.T, r facts.Reader, emu *emulator.Emulator, keys, refs []string) []facts.Image {
	t.Helper()
	ctx := context.Background()
	imgs, err := r.Resolve(ctx, keys, refs)
	if err != nil {
		t.Fatal(err)
	}
	emu.Reset()
	for i := range imgs {
		if err := r.Read(ctx, &imgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Score(ctx, imgs); err != nil {
		t.Fatal(err)
	}
	return imgs
}
