package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Every attribute and block has a description in the schema Terraform sees, which registries
// and `terraform providers schema -json` show.
func TestEveryAttributeIsDescribed(t *testing.T) {
	s, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("%v %v", err, resp.Diagnostics)
	}
	var walk func(string, *tfprotov6.SchemaBlock)
	walk = func(name string, b *tfprotov6.SchemaBlock) {
		for _, a := range b.Attributes {
			if strings.TrimSpace(a.Description) == "" {
				t.Errorf("%s.%s has no description", name, a.Name)
			}
			if a.NestedType != nil {
				walk(name+"."+a.Name, &tfprotov6.SchemaBlock{Attributes: a.NestedType.Attributes})
			}
		}
		for _, nb := range b.BlockTypes {
			if strings.TrimSpace(nb.Block.Description) == "" {
				t.Errorf("block %s.%s has no description", name, nb.TypeName)
			}
			walk(name+"."+nb.TypeName, nb.Block)
		}
	}
	walk("provider", resp.Provider.Block)
	for n, ds := range resp.DataSourceSchemas {
		walk(n, ds.Block)
	}
}
