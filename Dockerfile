# The streamingcl command line and workers, for docker-compose.yml and k8s/.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/StreamingCL.Cli/StreamingCL.Cli.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
# The runtime images define a non-root user for applications.
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/streamingcl.dll"]
