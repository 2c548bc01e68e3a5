// Package functions are the provider-defined functions (Terraform 1.8 and OpenTofu 1.7 or
// later). They are pure: time comes from the caller, data from the binary, and nothing touches
// the network.
package functions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hsslabs/terraform-provider-hss/internal/lifecycle"
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

var (
	_ function.Function = (*osLifecycleFunction)(nil)
	_ function.Function = (*parseImageReferenceFunction)(nil)
)

// All are the functions, for the provider to serve.
func All() []func() function.Function {
	return []func() function.Function{NewOSLifecycleFunction, NewParseImageReferenceFunction}
}

// NewOSLifecycleFunction is provider::hss::os_lifecycle.
func NewOSLifecycleFunction() function.Function { return &osLifecycleFunction{} }

// NewParseImageReferenceFunction is provider::hss::parse_image_reference.
func NewParseImageReferenceFunction() function.Function { return &parseImageReferenceFunction{} }

type osLifecycleFunction struct{}

// osLifecycle is what os_lifecycle returns.
type osLifecycle struct {
	Known                types.Bool   `tfsdk:"known"`
	Distribution         types.String `tfsdk:"distribution"`
	Release              types.String `tfsdk:"release"`
	EOLDate              types.String `tfsdk:"eol_date"`
	ExtendedSupportUntil types.String `tfsdk:"extended_support_until"`
	EndOfLife            types.Bool   `tfsdk:"end_of_life"`
	Supported            types.Bool   `tfsdk:"supported"`
	DaysLeft             types.Int64  `tfsdk:"days_left"`
	Source               types.String `tfsdk:"source"`
	NoAnnouncedEnd       types.Bool   `tfsdk:"no_announced_end"`
	ExtendedSupported    types.Bool   `tfsdk:"extended_supported"`
	ExtendedDaysLeft     types.Int64  `tfsdk:"extended_days_left"`
	SupportNote          types.String `tfsdk:"support_note"`
	Ambiguous            types.Bool   `tfsdk:"ambiguous"`
	Note                 types.String `tfsdk:"note"`
	TableDate            types.String `tfsdk:"table_date"`
}

var osLifecycleType = map[string]attr.Type{
	"known": types.BoolType, "distribution": types.StringType, "release": types.StringType, "eol_date": types.StringType,
	"extended_support_until": types.StringType, "end_of_life": types.BoolType, "supported": types.BoolType,
	"days_left": types.Int64Type, "source": types.StringType, "no_announced_end": types.BoolType, "extended_supported": types.BoolType,
	"extended_days_left": types.Int64Type, "support_note": types.StringType, "ambiguous": types.BoolType, "note": types.StringType,
	"table_date": types.StringType,
}

func (f *osLifecycleFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "os_lifecycle"
}

func (f *osLifecycleFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Whether an OS release is still supported on a given day",
		MarkdownDescription: "Looks an OS release up in the provider's lifecycle table and says whether it is supported at `at`. " +
			"The table is built from endoflife.date (snapshot " + lifecycle.Snapshot + ") for " + lifecycle.Covered + ". " +
			"A release the table does not hold is `known = false` and never `supported`, so a gate on `supported` fails closed.\n\n" +
			"Returns an object: `known` (the release is in the table), `distribution` (the normalised ID, e.g. `debian`, set whenever the " +
			"name is recognised, `\"\"` otherwise), `release` (the release cycle the version falls in, e.g. `12`, `22.04`, `3.18`; `\"\"` when unknown), " +
			"`eol_date` (`YYYY-MM-DD`, the end of standard security support; null when unknown or none is announced), " +
			"`extended_support_until` (the end of extended support such as Debian LTS, Ubuntu ESM or RHEL ELS; null when there is none), " +
			"`end_of_life` (`known` and `at` on or after `eol_date`), `supported` (`known` and `at` before `eol_date`, or no end announced), " +
			"`days_left` (whole days from the UTC date of `at` to `eol_date`, negative after it; null without an `eol_date`), " +
			"`source` (where the row comes from, with its snapshot date, and any correction of it; `\"\"` when unknown), " +
			"`no_announced_end` (`known` with no end of support announced: `supported` and `extended_supported`, while `eol_date`, `days_left` " +
			"and `extended_days_left` are null), " +
			"`extended_supported` (`known` and `at` before `extended_support_until`; a release without extended support is judged by its " +
			"standard end, so this equals `supported`), " +
			"`extended_days_left` (whole days from the UTC date of `at` to `extended_support_until`, negative after it; null without one), " +
			"`support_note` (one line: what standard and extended support are for this distribution, whether extended is free, and how to " +
			"allow a release the table cannot know; `\"\"` when the name is not recognised), " +
			"`ambiguous` (the name and version fit several releases; the answer is for the one whose standard support ends first), " +
			"`note` (why the answer is unknown or ambiguous; `\"\"` otherwise) and " +
			"`table_date` (the snapshot date of the table: releases published after it are unknown).",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "os_name", MarkdownDescription: "The OS name, as HSS reports it in `data_list` (`os_name`) or `/etc/os-release` names it " +
				"(its `ID`, `NAME` or `PRETTY_NAME`), matched case-insensitively: `Debian`, `debian`, `Debian GNU/Linux 12 (bookworm)`, `rhel`, " +
				"`Red Hat Enterprise Linux`, `openEuler`, `Huawei Cloud EulerOS`, … At most " + fmt.Sprint(lifecycle.MaxInputBytes) + " bytes."},
			function.StringParameter{Name: "os_version", MarkdownDescription: "The OS version, e.g. `os_version` of a `data_list` entry, or a code name " +
				"(`bookworm`, `jammy`); empty when os_name carries it. A point release maps to its cycle: `7.9.2009` is `7`, `3.18.4` is `3.18`, " +
				"`12.5` is `12`, `22.04.3` is `22.04`; SUSE's `15-SP6` is `15.6`; openEuler's `22.03 (LTS-SP3)` is `22.03-LTS-SP3`. At most " +
				fmt.Sprint(lifecycle.MaxInputBytes) + " bytes."},
			function.StringParameter{Name: "at", MarkdownDescription: "The moment to answer for, an RFC 3339 timestamp such as `plantimestamp()` gives. " +
				"A function must return the same answer for the same arguments, so it never reads the clock itself."},
		},
		Return: function.ObjectReturn{AttributeTypes: osLifecycleType},
	}
}

func (f *osLifecycleFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var name, version, atText string
	resp.Error = req.Arguments.Get(ctx, &name, &version, &atText)
	if resp.Error != nil {
		return
	}
	at, err := time.Parse(time.RFC3339, atText)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(2, fmt.Sprintf("at: %q is not an RFC 3339 timestamp such as 2026-12-02T10:00:00Z; use plantimestamp() or timestamp().", atText))
		return
	}
	table, err := lifecycle.Load()
	if err != nil {
		resp.Error = function.NewFuncError(validators.Sentence("The provider's OS lifecycle table is unreadable: "+err.Error()) + " Please report this issue to the provider developers.")
		return
	}
	a, err := table.Query(name, version, at)
	var ie *lifecycle.InputError
	if errors.As(err, &ie) {
		resp.Error = function.NewArgumentFuncError(map[string]int64{"os_name": 0, "os_version": 1}[ie.Argument], validators.Sentence(ie.Argument+": "+err.Error()))
		return
	}
	resp.Error = resp.Result.Set(ctx, osLifecycleValue(a))
}

func osLifecycleValue(a lifecycle.Answer) osLifecycle {
	v := osLifecycle{
		Known: types.BoolValue(a.Known), Distribution: types.StringValue(a.Distribution), Release: types.StringValue(a.Release),
		EOLDate: dateValue(a.EOL), ExtendedSupportUntil: dateValue(a.Extended),
		EndOfLife: types.BoolValue(a.EndOfLife), Supported: types.BoolValue(a.Supported),
		DaysLeft: types.Int64Null(), Source: types.StringValue(a.Source),
		NoAnnouncedEnd: types.BoolValue(a.NoAnnouncedEnd), ExtendedSupported: types.BoolValue(a.ExtendedSupported),
		ExtendedDaysLeft: types.Int64Null(), SupportNote: types.StringValue(a.SupportNote), Ambiguous: types.BoolValue(a.Ambiguous),
		Note: types.StringValue(a.Note), TableDate: types.StringValue(a.TableDate.Format(time.DateOnly)),
	}
	if a.HasDaysLeft {
		v.DaysLeft = types.Int64Value(a.DaysLeft)
	}
	if a.HasExtendedDaysLeft {
		v.ExtendedDaysLeft = types.Int64Value(a.ExtendedDaysLeft)
	}
	return v
}

func dateValue(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.Format(time.DateOnly))
}

type parseImageReferenceFunction struct{}

// imageReference is what parse_image_reference returns.
type imageReference struct {
	Registry  types.String `tfsdk:"registry"`
	Namespace types.String `tfsdk:"namespace"`
	Name      types.String `tfsdk:"name"`
	Tag       types.String `tfsdk:"tag"`
	Digest    types.String `tfsdk:"digest"`
}

func (f *parseImageReferenceFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_image_reference"
}

func (f *parseImageReferenceFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Split a container image reference the way HSS identifies repository images",
		MarkdownDescription: "Splits a reference such as `swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64` with the rules " +
			"`hss_image` and `hss_image_gate` resolve references by, and the same code: `namespace` is the first path component (the organization), " +
			"`name` the rest of the path, `tag` the tag. Returns an object: `registry` (the host, lower case and without the default port " +
			"443, as `hss_image` binds it; `docker.io` when the reference names none), `namespace`, `name`, `tag` (`\"\"` for a reference " +
			"by digest only) and `digest` (`\"\"` when the reference carries none).\n\n" +
			"A reference without an organization (`nginx:1.25`), or with neither a tag nor a digest, is an error that shows the expected form.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "ref", MarkdownDescription: "The image reference, as you would pull it: `[registry/]organization/name:tag`, " +
				"`[registry/]organization/name@digest` or `[registry/]organization/name:tag@digest`."},
		},
		Return: function.ObjectReturn{AttributeTypes: map[string]attr.Type{
			"registry": types.StringType, "namespace": types.StringType, "name": types.StringType, "tag": types.StringType, "digest": types.StringType,
		}},
	}
}

func (f *parseImageReferenceFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var ref string
	resp.Error = req.Arguments.Get(ctx, &ref)
	if resp.Error != nil {
		return
	}
	img, err := resolve.ParseImageReference(ref)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, validators.Sentence("ref: "+err.Error()))
		return
	}
	resp.Error = resp.Result.Set(ctx, imageReference{
		Registry: types.StringValue(img.Registry), Namespace: types.StringValue(img.Namespace), Name: types.StringValue(img.Name),
		Tag: types.StringValue(img.Version), Digest: types.StringValue(img.Digest),
	})
}
