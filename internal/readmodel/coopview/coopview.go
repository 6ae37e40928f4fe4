package coopview

import "github.com/nongjiao/nongjiao/internal/readmodel"

// Projections returns the area's projections.
func Projections() []readmodel.Projection { return []readmodel.Projection{registerProjection{}} }
