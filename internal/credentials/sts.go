package credentials

import (
	"context"
	"fmt"
	"net/http"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	stsv1 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sts/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sts/v1/model"

	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

const opAssumeAgencyV5 = "POST /v5/agencies/assume"

// assumeAgencyV5 assumes hop's agency through IAM v5 with keys, as the Huawei Cloud provider
// does for an agency named with its domain ID: the agency's URN, the agency name as the
// session name, and the duration only when one is set (the service's default is an hour).
// The request is typed by the SDK; the answer is read raw, as every answer with secrets is.
func (c *source) assumeAgencyV5(ctx context.Context, keys *tempKeys, hop AssumeRole) (*tempKeys, error) {
	cred, err := keys.credential("")
	if err != nil {
		return nil, err
	}
	body := model.AssumeAgencyReqBody{
		AgencyUrn:         fmt.Sprintf("iam::%s:agency:%s", hop.DomainID, hop.AgencyName),
		AgencySessionName: hop.AgencyName,
	}
	if hop.Duration > 0 {
		d := int32(hop.Duration.Seconds())
		body.DurationSeconds = &d
	}
	reqDef := stsv1.GenReqDefForAssumeAgency()
	reqDef.Response = new(rawAnswer)
	reqDef.ResponseFields = rawRequestDef(http.MethodPost, "/", "").ResponseFields
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opAssumeAgencyV5, Endpoint: c.cfg.Endpoints.STSURL(c.cfg.Region), Want: http.StatusOK, Cred: cred,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&model.AssumeAgencyRequest{Body: &body}, reqDef)
		},
	})
	if err != nil {
		return nil, err
	}
	return c.readKeys(opAssumeAgencyV5, "credentials", out, last)
}
