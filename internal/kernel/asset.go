package kernel

// AssetType is the kind of rural property right an asset is. It is shared
// language: the registry records it, listings and contracts apply rules by it,
// lenders value it. Parse external input with ParseAssetType.
type AssetType string

// Asset types. The first eight are tradable on the exchange; collective land
// ownership and the household's contracting right itself never are.
const (
	AssetLandManagementRight  AssetType = "LAND_MANAGEMENT_RIGHT"       // 土地经营权 of contracted land
	AssetForestRight          AssetType = "FOREST_RIGHT"                // 林权
	AssetWastelandUseRight    AssetType = "WASTELAND_USE_RIGHT"         // 四荒使用权
	AssetCollectiveOperating  AssetType = "COLLECTIVE_OPERATING"        // 集体经营性资产
	AssetFarmFacility         AssetType = "FARM_FACILITY"               // 农业生产设施设备
	AssetSmallWaterWorks      AssetType = "SMALL_WATER_WORKS"           // 小型水利设施使用权
	AssetAgriculturalIP       AssetType = "AGRICULTURAL_IP"             // 农业类知识产权
	AssetCollectiveShares     AssetType = "COLLECTIVE_SHARES"           // 集体股权
	AssetCollectiveLandOwner  AssetType = "COLLECTIVE_LAND_OWNERSHIP"   // 集体土地所有权: never tradable
	AssetHouseholdContracting AssetType = "HOUSEHOLD_CONTRACTING_RIGHT" // 土地承包权 itself: never tradable
)

var assetTypes = map[AssetType]bool{
	AssetLandManagementRight: true, AssetForestRight: true, AssetWastelandUseRight: true,
	AssetCollectiveOperating: true, AssetFarmFacility: true, AssetSmallWaterWorks: true,
	AssetAgriculturalIP: true, AssetCollectiveShares: true,
	AssetCollectiveLandOwner: false, AssetHouseholdContracting: false,
}

// ParseAssetType returns the AssetType named s, or a CodeInvalid error.
func ParseAssetType(s string) (AssetType, error) {
	t := AssetType(s)
	if _, ok := assetTypes[t]; !ok {
		return "", FieldErrorf(CodeInvalid, "type", "unknown asset type %q", s)
	}
	return t, nil
}

// Tradable reports whether assets of type t may be traded on the exchange.
func (t AssetType) Tradable() bool { return assetTypes[t] }

// IsLand reports whether t is a right over land, to which the Rural Land
// Contracting Law's agricultural-use and term rules apply.
func (t AssetType) IsLand() bool {
	return t == AssetLandManagementRight || t == AssetForestRight || t == AssetWastelandUseRight
}

// AssetTypes returns every known asset type, tradable ones first.
func AssetTypes() []AssetType {
	return []AssetType{
		AssetLandManagementRight, AssetForestRight, AssetWastelandUseRight, AssetCollectiveOperating,
		AssetFarmFacility, AssetSmallWaterWorks, AssetAgriculturalIP, AssetCollectiveShares,
		AssetCollectiveLandOwner, AssetHouseholdContracting,
	}
}
