using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Transfers.Functions;

// The Azure Functions host of Transfers (.NET isolated worker with ASP.NET Core integration).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// Transfers.Core (and the families in it) are registered here with the same shared extension the local host calls,
// never a copy of it; the API's endpoints are mapped with the same call as well. Until those extensions exist
// (issues 3-6), the durable registry is empty and no route is served.
// builder.Services.AddTransfersCore(builder.Configuration);
// builder.Services.Configure<ApiRequestPipelineOptions>(options => options.MapEndpoints = endpoints => endpoints.MapTransfersApi());
builder.Services.AddTransfersFunctions();

builder.Build().Run();
