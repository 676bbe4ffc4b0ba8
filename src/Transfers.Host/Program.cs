using Transfers.Api;
using Transfers.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddLocalSettings();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = TransfersApiExtensions.MaxRequestBodyBytes);
builder.Services.AddTransfersApi();
builder.Services.AddDurableBackend(builder.Configuration);
builder.Services.AddTransfersOtlpExport(builder.Configuration);
builder.Services.AddHostedService<ReconcilerService>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapTransfersApi();
app.MapDurableManagementApi();
app.Run();

/// <summary>The local host's entry point; public for <c>WebApplicationFactory</c>.</summary>
public partial class Program;
