package partyview

import "github.com/nongjiao/nongjiao/internal/readmodel"

// Projections returns the area's projection: the register.
func Projections() []readmodel.Projection {
	return []readmodel.Projection{registerProjection{}}
}
