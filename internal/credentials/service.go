package credentials

import (
	"errors"
	"strings"

	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Services an error can come from, for summaries.
const (
	ServiceHSS         = "HSS"
	ServiceIAM         = "IAM"
	ServiceSTS         = "IAM v5 (STS)"
	ServiceMetadata    = "the ECS metadata service"
	ServicePodIdentity = "the CCE pod identity"
)

// Service names the service whose request err is about: the innermost request a typed error
// names, HSS when none does.
func Service(err error) string {
	op := ""
	var ae *transport.APIError
	var de *transport.DecodeError
	var se *transport.StatusError
	var me *MetadataError
	var ie *transport.InterruptedError
	var te *transport.AttemptTimeoutError
	var ue *transport.UnresolvedHostError
	switch {
	case errors.As(err, &ae):
		op = ae.Operation
	case errors.As(err, &ue):
		op = ue.Operation
	case errors.As(err, &de):
		op = de.Operation
	case errors.As(err, &se):
		op = se.Operation
	case errors.As(err, &me):
		return ServiceMetadata
	case errors.As(err, &te):
		op = te.Request
	case errors.As(err, &ie):
		op = ie.Request
	}
	switch {
	case strings.HasPrefix(op, opMetadataKey), strings.HasPrefix(op, opMetadataToken):
		return ServiceMetadata
	case strings.HasPrefix(op, opPodIdentity):
		return ServicePodIdentity
	case strings.HasPrefix(op, opAssumeAgencyV5), strings.HasPrefix(op, opCallerIdentity):
		return ServiceSTS
	case strings.HasPrefix(op, "POST /v3"), strings.HasPrefix(op, "GET /v3"):
		return ServiceIAM
	}
	return ServiceHSS
}
