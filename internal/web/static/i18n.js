// Words of the page in Chinese (the default) and English, the messages for
// every refusal code the API answers with, and the formats of money, area
// and time. The API sends money and areas as decimal strings; they are shown
// as sent, never turned into floating-point numbers.

const LANG_KEY = 'nongjiao:lang';
export let lang = localStorage.getItem(LANG_KEY) || 'zh';
export function setLang(l) { lang = l; localStorage.setItem(LANG_KEY, l); }

const words = {
  title: ['农村产权交易', 'Rural property exchange'],
  board: ['交易大厅', 'Board'], demands: ['需求与订阅', 'Demands'], signIn: ['登录', 'Sign in'], signOut: ['退出', 'Sign out'],
  signInProvider: ['通过统一身份认证登录', 'Sign in with the identity provider'], signInToken: ['令牌登录', 'Sign in with a token'],
  tokenHint: ['粘贴交易所签发的令牌（nongjiao token）', 'Paste a token issued by the exchange (nongjiao token)'],
  save: ['保存', 'Save'], cancel: ['取消', 'Cancel'], signedInAs: ['当前身份', 'Signed in as'],
  province: ['省', 'Province'], county: ['县（市、区）', 'County'], township: ['乡镇（街道）', 'Township'], village: ['村', 'Village'],
  type: ['类型', 'Type'], rightsEnd: ['权利期限至', 'Right ends'], assetType: ['资产类型', 'Asset type'], status: ['状态', 'Status'], minPrice: ['最低挂牌价（元）', 'Min price (yuan)'], maxPrice: ['最高挂牌价（元）', 'Max price (yuan)'],
  minArea: ['最小面积（亩）', 'Min area (mu)'], maxArea: ['最大面积（亩）', 'Max area (mu)'], sort: ['排序', 'Sort'], any: ['不限', 'Any'],
  search: ['筛选', 'Filter'], reset: ['清除', 'Reset'], more: ['加载更多', 'More'], total: ['共 {n} 宗', '{n} lots'],
  listedPrice: ['挂牌价', 'Listed price'], startingPrice: ['起始价', 'Starting price'], deposit: ['保证金', 'Deposit'],
  increment: ['加价幅度', 'Increment'], priceBasis: ['计价方式', 'Price basis'], method: ['交易方式', 'Sale method'],
  listedTotal: ['期限内总价', 'Total over the term'], maxTotal: ['期限内总价不超过', 'Total over the term at most'], awardTotal: ['成交总价（期限内）', 'Award total over the term'],
  fixedDeposit: ['（固定金额）', ' (fixed)'], percentDeposit: ['（按挂牌价比例）', ' (share of the listed price)'],
  quoteCount: ['已收报价', 'Quotes received'], quotesSealed: ['已收到 {n} 份报价，开启前任何人（包括交易所）都看不到报价金额', '{n} quotes received; no one, the exchange included, sees an amount before the opening'],
  quotes: ['报价开启结果', 'Opened quotes'], rank: ['名次', 'Rank'], submitQuote: ['提交报价', 'Submit quote'],
  quoteAccepted: ['报价已提交，开启前保密', 'Quote submitted; sealed until the opening'], quoteDeadline: ['报价截止', 'Quotes close'],
  sealedHint: ['一次性报价：每位竞买人提交一次报价（{r}），截止时统一开启，价高者得，同价者先报者得', 'Sealed quotes: one quote each ({r}), all opened at the deadline; the highest wins, the earlier on a tie'],
  revisable: ['截止前可修改', 'revisable until the deadline'], notRevisable: ['提交后不可修改', 'final once submitted'], area: ['面积', 'Area'], term: ['流转期限', 'Term'],
  registration: ['报名截止', 'Registration closes'], biddingOpens: ['竞价开始', 'Bidding opens'], closes: ['竞价截止', 'Bidding closes'],
  highestBid: ['当前最高价', 'Highest bid'], bids: ['出价次数', 'Bids'], bidders: ['报名人数', 'Bidders'], countdown: ['倒计时', 'Time left'],
  ended: ['已结束', 'Ended'], notScheduled: ['未排期', 'Not scheduled'], months: ['{n} 个月', '{n} months'], mu: ['{n} 亩', '{n} mu'],
  view: ['查看', 'View'], enterRoom: ['进入竞价室', 'Enter the auction room'], back: ['返回', 'Back'],
  asset: ['标的', 'Asset'], location: ['坐落', 'Location'], certificate: ['权证号', 'Certificate'], restrictions: ['权利限制', 'Restrictions'],
  none: ['无', 'None'], announcement: ['交易公告', 'Announcement'], bidHistory: ['出价记录', 'Bid history'], bidderNo: ['竞买号', 'Bidder no.'],
  amount: ['金额', 'Amount'], time: ['时间', 'Time'], award: ['成交', 'Award'], price: ['成交价', 'Price'], paymentDue: ['付款期限', 'Payment due'],
  certificateNumber: ['交易鉴证书编号', 'Transaction certificate'], room: ['竞价室', 'Auction room'], live: ['实时', 'Live'],
  reconnecting: ['连接中断，正在重新连接…', 'Connection lost, reconnecting…'], connected: ['已连接', 'Connected'],
  placeBid: ['出价', 'Bid'], yourNumber: ['您的竞买号', 'Your bidder number'], leader: ['领先', 'Leading'], you: ['（您）', ' (you)'],
  extended: ['延时竞价：截止时间延长至 {t}', 'Extended: bidding now closes at {t}'], needSignIn: ['请先以竞买人身份登录', 'Sign in as a bidder first'],
  feedBID: ['{n} 号出价 {a}', 'Bidder {n} bid {a}'], feedOPENED: ['竞价开始', 'Bidding opened'], feedCLOSED: ['竞价结束', 'Bidding closed'],
  feedAWARDED: ['成交确认：{n} 号 {a}', 'Awarded to bidder {n} at {a}'], feedUNSOLD: ['流拍：{r}', 'Unsold: {r}'],
  feedSUSPENDED: ['中止：{r}', 'Suspended: {r}'], feedRESUMED: ['恢复竞价', 'Resumed'], feedPRIORITY_WINDOW: ['优先权期间', 'Priority window'],
  feedPRIORITY_USED: ['行使优先权：{n} 号 {a}', 'Priority exercised: bidder {n} at {a}'], feedEXTENDED: ['延时 {t}', 'Extended to {t}'],
  exercisePriority: ['行使优先权', 'Exercise priority'], priorityUsed: ['已按成交价行使优先权', 'Priority exercised at the winning price'],
  priorityMEMBER: ['成员优先权期间，至 {t} 止：集体经济组织成员可按成交价优先受让', 'Members\' priority window until {t}: a member may match the winning price'],
  prioritySITTING_LESSEE: ['现承租方优先权期间，至 {t} 止：现承租方可按成交价优先续租', 'Sitting lessee\'s priority window until {t}: the lessee may match the winning price'],
  accepted: ['出价成功', 'Bid accepted'], refused: ['出价未被接受', 'Bid refused'], reconnect: ['重新连接', 'Reconnect'],
  myDemands: ['我的需求', 'My demands'], postDemand: ['发布需求', 'Post a demand'], savedSearches: ['订阅的搜索', 'Saved searches'],
  saveSearch: ['保存搜索并订阅', 'Save search and subscribe'], alerts: ['新房源提醒', 'Alerts'], noAlerts: ['暂无提醒', 'No alerts yet'],
  demandTitle: ['需求名称', 'Title'], budget: ['预算（元/亩/年）', 'Budget (yuan per mu per year)'], termYears: ['期限（年）', 'Term (years)'],
  contiguous: ['要求连片', 'Contiguous'], matchingDemands: ['可匹配的需求', 'Demands this asset would meet'], name: ['名称', 'Name'],
  withdraw: ['撤回', 'Withdraw'], new: ['新', 'New'], kindSearch: ['订阅', 'Search'], kindDemand: ['需求', 'Demand'], open: ['有效', 'Open'], noResults: ['没有符合条件的房源', 'No lots match'], demandBoard: ['企业需求', 'Businesses\' demands'],
};

// t returns the word for key in the current language, with {x} filled from vars.
export function t(key, vars = {}) {
  const w = words[key];
  const s = w ? w[lang === 'en' ? 1 : 0] : key;
  return s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
}

export const statuses = {
  DRAFT: ['草稿', 'Draft'], SUBMITTED: ['待审核', 'Submitted'], REJECTED: ['已驳回', 'Rejected'], ANNOUNCED: ['公告中', 'Announced'],
  AUCTION_SCHEDULED: ['待竞价', 'Auction scheduled'], AUCTION_OPEN: ['竞价中', 'Bidding'], NEGOTIATING: ['协议转让', 'Negotiating'],
  PRIORITY_WINDOW: ['优先权期间', 'Priority window'], AWAITING_PAYMENT: ['待付款', 'Awaiting payment'], PAID: ['已付款', 'Paid'],
  CONTRACT_SIGNED: ['已签约', 'Contract signed'], CERTIFIED: ['已鉴证', 'Certified'], ARCHIVED: ['已归档', 'Archived'],
  ENDED: ['已终止', 'Ended'], SUSPENDED: ['已中止', 'Suspended'], UNSOLD: ['流拍', 'Unsold'], WITHDRAWN: ['已撤回', 'Withdrawn'],
};

// bases are the price bases (rule 25) and the unit a price in each carries.
export const bases = {
  TOTAL: ['总价', 'Total price'], ANNUAL_RENT: ['年租金', 'Annual rent'], RENT_PER_MU_YEAR: ['每亩年租金', 'Rent per mu per year'],
};
const perBasis = { TOTAL: ['', ''], ANNUAL_RENT: ['/年', ' a year'], RENT_PER_MU_YEAR: ['/亩·年', ' per mu a year'] };

export const methods = { LADDER: ['网络竞价（阶梯加价）', 'Ladder bidding'], SEALED: ['一次性报价', 'Sealed quotes'] };

export const assetTypes = {
  LAND_MANAGEMENT_RIGHT: ['土地经营权', 'Land management right'], HOUSEHOLD_CONTRACTING_RIGHT: ['土地承包经营权', 'Household contracting right'],
  FOREST_RIGHT: ['林权', 'Forest right'], WASTELAND_USE_RIGHT: ['四荒使用权', 'Wasteland use right'],
  COLLECTIVE_OPERATING: ['集体经营性资产', 'Collective operating asset'], FARM_FACILITY: ['农业生产设施', 'Farm facility'],
  SMALL_WATER_WORKS: ['小型水利设施', 'Small water works'], COLLECTIVE_SHARES: ['集体股权', 'Collective shares'],
  COLLECTIVE_LAND_OWNERSHIP: ['集体土地所有权', 'Collective land ownership'],
};

export const restrictionKinds = {
  LEASE: ['出租（流转）', 'Lease'], MORTGAGE: ['抵押', 'Mortgage'], PLEDGE: ['质押', 'Pledge'], SEIZURE: ['查封', 'Seizure'],
};

export const sorts = {
  CREATED_AT_DESC: ['最新发布', 'Newest'], CLOSING_AT_ASC: ['即将截止', 'Closing soonest'], PRICE_ASC: ['价格从低到高', 'Price, low to high'],
  PRICE_DESC: ['价格从高到低', 'Price, high to low'],
};

// label reads a [zh, en] table entry for the current language.
export function label(table, key) { const w = table[key]; return w ? w[lang === 'en' ? 1 : 0] : key; }

// refusals are what the page says for each code the API refuses with.
const refusals = {
  UNAUTHENTICATED: ['请先登录（令牌无效或已过期）', 'Sign in first (the token is invalid or expired)'],
  FORBIDDEN: ['您的身份无权进行此操作', 'Your role may not do this'],
  NOT_FOUND: ['找不到该项目', 'Not found'],
  INVALID_INPUT: ['填写的内容有误', 'Something you entered is not valid'],
  INVALID_SCALAR: ['金额或数字格式不正确（金额最多两位小数）', 'A number or amount is malformed (at most two decimals)'],
  INVALID_STATE: ['当前状态下不能进行此操作', 'Not possible in the current state'],
  CONFLICT: ['操作冲突，请重试', 'Another change came first; try again'],
  TEXT_TOO_LONG: ['文字过长', 'Text too long'], INVALID_TEXT: ['文字含有不允许的字符', 'Text has characters not allowed'],
  BIDDER_NOT_REGISTERED: ['您尚未报名参加本项目竞价', 'You have not registered for this listing'],
  BIDDER_NOT_QUALIFIED: ['您的竞买资格尚未确认（保证金未到账或审核未通过）', 'You are not qualified yet (deposit or review pending)'],
  LISTING_NOT_OPEN: ['竞价尚未开始或已中止', 'Bidding has not started or is suspended'],
  AUCTION_CLOSED: ['竞价已截止，出价无效', 'Bidding has closed; the bid came too late'],
  BID_BELOW_MINIMUM: ['出价低于当前最低可出价（当前价加一个加价幅度）', 'The bid is below the lowest acceptable bid (leader plus one increment)'],
  BID_NOT_ON_INCREMENT: ['出价须为起始价加整数倍加价幅度', 'A bid must be the starting price plus whole increments'],
  ASSET_NOT_TRADABLE: ['该类资产不得流转交易', 'This kind of asset may not be traded'],
  ASSET_ENCUMBERED: ['资产已设定抵押等权利限制，需抵押权人书面同意', 'The asset is encumbered: the secured party must consent in writing'],
  TERM_EXCEEDS_CONTRACT: ['流转期限超过承包期剩余期限', 'The term runs past the end of the underlying right'],
  RESOLUTION_REQUIRED: ['须附集体经济组织成员（代表）会议决议', 'The members\' resolution is required'],
  RESOLUTION_INSUFFICIENT: ['决议同意票未达到三分之二', 'The resolution has fewer than two thirds of the votes'],
  ANNOUNCEMENT_TOO_SHORT: ['公告期少于规定的工作日数', 'The announcement is shorter than the minimum'],
  ANNOUNCEMENT_TOO_LONG: ['公告期超过规定的上限', 'The announcement is longer than the maximum'],
  NOT_DUE: ['尚未到办理时间', 'Not due yet'],
  REGISTRATION_CLOSED: ['报名已截止', 'Registration has closed'], BIDDER_ALREADY_REGISTERED: ['您已报名', 'You are registered already'],
  DEPOSIT_TOO_LOW: ['保证金不足', 'The deposit is too low'], DEPOSIT_NOT_CONFIRMED: ['保证金尚未确认', 'The deposit is not confirmed'],
  BIDDING_STARTED: ['竞价已开始，不能撤回', 'Bidding has started; no withdrawal'],
  NEGOTIATION_CLOSED: ['协商期已过', 'The negotiation period has ended'], PRICE_BELOW_LISTED: ['价格低于挂牌价', 'Below the listed price'],
  NOT_A_MEMBER: ['您不是本集体经济组织成员，不能行使优先权', 'Only members may use the priority'],
  PRIORITY_WINDOW_CLOSED: ['优先权期间已过', 'The priority window has closed'], PAYMENT_OVERDUE: ['付款已逾期', 'Payment is overdue'],
  DEPOSIT_BELOW_REQUIRED: ['保证金低于当地规则要求的最低比例', 'The deposit is below the least the local rules require'],
  WRONG_SALE_METHOD: ['本项目的交易方式不接受此操作（一次性报价项目请提交报价，竞价项目请出价）', 'Not this listing\'s sale method (quote on a sealed-quote lot, bid on a ladder lot)'],
  QUOTE_ALREADY_SUBMITTED: ['您已提交报价，本项目不允许修改', 'You have quoted already and this listing allows no revision'],
  NOT_SITTING_LESSEE: ['只有现承租方可以行使续租优先权', 'Only the sitting lessee may use this priority'],
  PRIORITY_NOT_OPEN: ['优先权行使期间尚未开始（另一项优先权期间进行中）', 'This priority\'s window is not open (the other right\'s is)'],
  INVALID_IDENTIFIER: ['统一社会信用代码或身份证号码不正确', 'The credit code or identity number is not valid'],
  ALREADY_REGISTERED: ['该主体已登记', 'The party is registered already'],
  PARTY_NOT_REGISTERED: ['您的主体信息尚未在交易所登记', 'Your party is not in the exchange\'s register'],
  PARTY_SUSPENDED: ['您的交易资格已被暂停，只能查看', 'Your party is suspended: you may read but not act'],
  IDENTIFIER_TAKEN: ['该证件号已被其他主体登记', 'Another party is registered with this identifier'],
  SIGN_IN_TAKEN: ['该登录账号已绑定其他主体', 'This sign-in is linked to another party'],
  DEMAND_RANGE_INVALID: ['面积或预算范围不正确（下限不能大于上限）', 'The area or budget range is inverted'],
  DEMAND_CLOSED: ['该需求已撤回', 'The demand was withdrawn'],
  STORE_UNAVAILABLE: ['系统繁忙，请稍后再试', 'The exchange is busy; try again shortly'],
  TIMEOUT: ['请求超时，请重试', 'The request timed out; try again'], READ_MODEL_TIMEOUT: ['数据更新中，请稍后刷新', 'Data is catching up; refresh shortly'],
  SIGN_IN_STATE_MISMATCH: ['登录回应与本页发起的登录不符（可能已过期或被篡改），请重新登录', 'The sign-in response does not match the sign-in this page began (expired or tampered with); sign in again'],
  SIGN_IN_NONCE_MISMATCH: ['身份令牌不属于本次登录，请重新登录', 'The ID token answers another sign-in; sign in again'],
  SIGN_IN_REFUSED: ['统一身份认证拒绝了登录', 'The identity provider refused the sign-in'],
  SIGN_IN_UNAVAILABLE: ['统一身份认证暂时无法访问，请稍后再试', 'The identity provider cannot be reached; try again later'],
  NETWORK: ['网络连接失败，请检查网络后重试', 'Network failure; check the connection and retry'],
  INTERNAL: ['系统错误，请稍后再试', 'Internal error; try again later'],
};

// refusal is the message for an error from gql.js (a GqlError with a code).
export function refusal(err) {
  const w = refusals[err?.code] || refusals.INTERNAL;
  return w[lang === 'en' ? 1 : 0];
}

// refusalCodes lists the codes refusal knows (the tests check the API's against it).
export const refusalCodes = Object.keys(refusals);

// yuan formats a Money string "605000.00" as "605,000.00 元", grouping the
// integer digits of the string itself; with a price basis, in its unit
// ("216,000.00 元/年").
export function yuan(m, basis = 'TOTAL') {
  if (m == null) return '—';
  const [i, f = '00'] = String(m).split('.');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const per = perBasis[basis]?.[lang === 'en' ? 1 : 0] ?? '';
  return (lang === 'en' ? '¥' + grouped + '.' + f.padEnd(2, '0') + per : grouped + '.' + f.padEnd(2, '0') + ' 元' + per);
}

// fen converts a Money string to integer fen (a BigInt); money moves in fen.
export function fen(m) {
  const [i, f = ''] = String(m).split('.');
  return BigInt(i) * 100n + BigInt((f + '00').slice(0, 2));
}

// money converts integer fen back to the API's decimal string.
export function money(f) {
  const s = f.toString().padStart(3, '0');
  return s.slice(0, -2) + '.' + s.slice(-2);
}

const dtf = () => new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

// when formats a DateTime in the exchange's zone, Asia/Shanghai.
export function when(d) { return d ? dtf().format(new Date(d)) : '—'; }

// left formats the time from now (ms) to the deadline d as d天hh:mm:ss.
export function left(d, now) {
  if (!d) return t('notScheduled');
  let s = Math.floor((Date.parse(d) - now) / 1000);
  if (s <= 0) return t('ended');
  const days = Math.floor(s / 86400); s %= 86400;
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((x) => String(x).padStart(2, '0')).join(':');
  return days ? (lang === 'en' ? `${days}d ${hms}` : `${days}天 ${hms}`) : hms;
}
