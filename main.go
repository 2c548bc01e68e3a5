package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/hsslabs/terraform-provider-hss/internal/provider"
)

// version is set at build time by goreleaser.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if err := provider.QuietUnshownLogs(); err != nil {
		log.Fatal(err.Error())
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/hsslabs/hss",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
