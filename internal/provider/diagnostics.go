package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

const readSummary = "Unable to read HSS basic image information"

// readError turns a client error into one diagnostic whose detail says what the API said and
// what to do about it.
func readError(err error) diag.Diagnostic {
	var b strings.Builder
	var ae *hss.APIError
	var de *hss.DecodeError
	switch {
	case errors.As(err, &ae):
		fmt.Fprintf(&b, "%s failed with HTTP status %d.\n\nerror_code: %s\nerror_msg: %s\nrequest ID: %s",
			ae.Operation, ae.StatusCode, orNone(ae.ErrorCode), orNone(ae.ErrorMsg), orNone(ae.RequestID))
		if h := ae.Hint(); h != "" {
			b.WriteString("\n\n" + h)
		}
		if outer := err.Error(); !strings.HasSuffix(outer, ae.Error()) || outer != ae.Error() {
			// Wrapped errors carry context such as the user name or the step that failed.
			if prefix := strings.TrimSuffix(outer, ae.Error()); prefix != outer && prefix != "" {
				b.WriteString("\n\nWhile: " + strings.TrimSuffix(strings.TrimSpace(prefix), ":"))
			}
		}
	case errors.As(err, &de):
		fmt.Fprintf(&b, "%s returned a response the provider could not read (HTTP status %d, request ID %s): %s.",
			de.Operation, de.StatusCode, orNone(de.RequestID), de.Reason)
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(&b, "The read did not finish in time: %s.", err)
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(&b, "The read was cancelled: %s.", err)
	default:
		b.WriteString(err.Error())
	}
	return diag.NewErrorDiagnostic(readSummary, b.String())
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
