using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transfers.Api;
using Transfers.Functions;

// The Azure Functions host of Transfers (.NET isolated worker with ASP.NET Core integration).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// The same registration the local host makes (Transfers.Api adds Transfers.Core and every family's orchestrations
// and activities), then what only the Functions app needs.
builder.Services.AddTransfersApi();
builder.Services.Configure<ApiRequestPipelineOptions>(options =>
{
    // The local host's middleware and endpoints, as in src/Transfers.Host/Program.cs.
    options.ConfigureMiddleware = static app =>
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    };
    options.MapEndpoints = static endpoints => endpoints.MapTransfersApi();
});
builder.Services.AddTransfersFunctions();
builder.Services.AddTransfersFunctionsTelemetry(builder.Configuration);

builder.Build().Run();
