// Starts GraphiQL on the page served at /: queries and mutations go to
// /graphql over HTTP, subscriptions over ws(s)://<host>/graphql.
//
// The bearer token typed into GraphiQL's Headers tab ({"Authorization": "Bearer …"})
// also authenticates subscriptions: it is sent in connection_init's payload.
function authorization() {
  try {
    const headers = JSON.parse(localStorage.getItem('graphiql:headers') || '{}');
    return headers.Authorization ? { Authorization: headers.Authorization } : {};
  } catch (e) {
    return {};
  }
}
const wsURL = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
const fetcher = GraphiQL.createFetcher({
  url: location.origin + '/graphql',
  wsClient: graphqlWs.createClient({ url: wsURL, connectionParams: authorization, lazy: true }),
});
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher: fetcher, shouldPersistHeaders: true }),
);
